package dev.codi.gateway;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Seeded generators for the property tests: each property runs {@link #TRIES} inputs drawn from
 * one {@link Random} whose seed it names on failure, so any failure replays exactly. A longer
 * run: {@code -Dcodi.fuzz.tries=100000 -Dcodi.fuzz.seed=N}.
 */
public final class Gen {
    public static final int TRIES = Integer.getInteger("codi.fuzz.tries", 1000);
    public static final long SEED = Long.getLong("codi.fuzz.seed", 20261207L);
    private static final String ALPHABET = "abcXYZ019 -_./:@[]%?#\"\\'{}\u00e9\u4e2d\u0000\n\t\uD83D\uDE00";

    private final Random random;

    public Gen(Random random) {
        this.random = random;
    }

    public Random random() {
        return random;
    }

    public int between(int low, int high) {
        return low + random.nextInt(high - low + 1);
    }

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    @SafeVarargs
    public final <T> T anyOf(Supplier<? extends T>... choices) {
        return choices[random.nextInt(choices.length)].get();
    }

    public <T> List<T> list(int maxSize, Supplier<T> element) {
        return java.util.stream.Stream.generate(element).limit(random.nextInt(maxSize + 1)).toList();
    }

    /** Printable, punctuation, non-ASCII, control characters and surrogate pairs, up to {@code maxLength}. */
    public String string(int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(chance(0.5) ? (char) (0x20 + random.nextInt(0x5f)) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    /** Numbers a JSON body can carry, with the edges: 0, -0.0, ±1, the int and long limits, 1e308, subnormals. */
    public Object number() {
        return anyOf(
                () -> random.nextInt(),
                () -> random.nextLong(),
                () -> random.nextDouble() * Math.pow(10, between(-5, 12)) * (chance(0.5) ? -1 : 1),
                () -> oneOf(0, -1, 1, 3, 200, 201, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, 1e308,
                        -0.0, 0.5, 1e-320, 2.5, 7.0));
    }

    /** Runs a property over {@link #TRIES} inputs, naming the seed, the try and the input when it fails. */
    public static <T> void forAll(String property, Function<Gen, T> generator, ThrowingConsumer<T> check) {
        Gen gen = new Gen(new Random(SEED ^ property.hashCode()));
        for (int i = 0; i < TRIES; i++) {
            T input = generator.apply(gen);
            try {
                check.accept(input);
            } catch (Throwable failure) {
                String shown = String.valueOf(input);
                throw new AssertionError(property + " failed at try " + i + " (seed " + SEED + ") on input: "
                        + (shown.length() > 600 ? shown.substring(0, 600) + "…" : shown), failure);
            }
        }
    }

    @FunctionalInterface
    public interface ThrowingConsumer<T> {
        void accept(T value) throws Exception;
    }
}
