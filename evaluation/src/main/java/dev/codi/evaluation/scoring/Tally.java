package dev.codi.evaluation.scoring;

/** Right answers out of those counted; mutable, one owner at a time. */
public final class Tally {
    private int right;
    private int counted;

    public void add(boolean isRight) {
        counted++;
        if (isRight) {
            right++;
        }
    }

    public void addAll(Tally other) {
        right += other.right;
        counted += other.counted;
    }

    public int right() {
        return right;
    }

    public int counted() {
        return counted;
    }

    /** The share right, NaN when nothing was counted. */
    public double rate() {
        return counted == 0 ? Double.NaN : right / (double) counted;
    }

    /** "87.5 %" (or "–" when nothing was counted), for report tables. */
    public String percent() {
        return Percent.of(rate());
    }

    @Override
    public String toString() {
        return right + "/" + counted;
    }
}
