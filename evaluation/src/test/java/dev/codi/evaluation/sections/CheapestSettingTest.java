package dev.codi.evaluation.sections;

import dev.codi.evaluation.sections.CheapestSetting.Point;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.codi.protocol.JobParams.Sampler.DDIM;
import static dev.codi.protocol.JobParams.Sampler.DPM_SOLVER_PLUS_PLUS;
import static dev.codi.protocol.JobParams.Sampler.UNIPC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheapestSettingTest {
    private static final Point DDIM_50 = new Point(DDIM, 50, 0.990, 0.960);

    @Test
    void picksTheFewestStepsWithinOnePointOnBothMeasures() {
        List<Point> curve = List.of(DDIM_50,
                new Point(DDIM, 10, 0.985, 0.900),                 // coherence 6 points below
                new Point(DPM_SOLVER_PLUS_PLUS, 10, 0.950, 0.960), // directions 4 points below
                new Point(DDIM, 15, 0.982, 0.955),                 // both within 1 point
                new Point(DDIM, 20, 0.990, 0.960));
        CheapestSetting.Choice choice = CheapestSetting.choose(curve, 1.0);
        assertThat(choice.reference()).isEqualTo(DDIM_50);
        assertThat(choice.chosen()).isEqualTo(new Point(DDIM, 15, 0.982, 0.955));
    }

    @Test
    void atEqualStepsDdimComesFirstThenDpmSolverThenUniPc() {
        List<Point> curve = List.of(new Point(UNIPC, 10, 0.99, 0.96), new Point(DPM_SOLVER_PLUS_PLUS, 10, 0.99, 0.96), DDIM_50);
        assertThat(CheapestSetting.choose(curve, 1.0).chosen().sampler()).isEqualTo(DPM_SOLVER_PLUS_PLUS);
        List<Point> withDdim = new ArrayList<>(curve);
        withDdim.add(new Point(DDIM, 10, 0.99, 0.96));
        assertThat(CheapestSetting.choose(withDdim, 1.0).chosen()).isEqualTo(new Point(DDIM, 10, 0.99, 0.96));
    }

    @Test
    void exactlyOnePointBelowIsWithinAndMoreIsNot() {
        Point onePointBelow = new Point(DDIM, 5, 0.980, 0.950);
        Point justMore = new Point(DDIM, 10, 0.9799, 0.960);
        assertThat(CheapestSetting.choose(List.of(DDIM_50, onePointBelow), 1.0).chosen()).isEqualTo(onePointBelow);
        assertThat(CheapestSetting.choose(List.of(DDIM_50, justMore), 1.0).chosen()).isEqualTo(DDIM_50);
    }

    @Test
    void beatingTheReferenceIsNeverHeldAgainstASetting() {
        Point better = new Point(UNIPC, 5, 1.0, 1.0);
        assertThat(CheapestSetting.choose(List.of(DDIM_50, better), 1.0).chosen()).isEqualTo(better);
    }

    @Test
    void aMeasureThatCouldNotBeTakenDisqualifies() {
        Point unmeasured = new Point(DDIM, 5, 0.99, Double.NaN);
        assertThat(CheapestSetting.choose(List.of(DDIM_50, unmeasured), 1.0).chosen()).isEqualTo(DDIM_50);
    }

    @Test
    void theReferenceIsDdimAtTheMostStepsMeasured() {
        Point ddim30 = new Point(DDIM, 30, 0.90, 0.90);
        Point unipc100 = new Point(UNIPC, 100, 0.99, 0.99);
        assertThat(CheapestSetting.reference(List.of(ddim30, DDIM_50, unipc100))).isEqualTo(DDIM_50);
        // DDIM-30 is 9 and 6 points below DDIM-50: the rule falls back on the reference itself
        assertThat(CheapestSetting.choose(List.of(ddim30, DDIM_50), 1.0).chosen()).isEqualTo(DDIM_50);
    }

    @Test
    void aCurveWithoutDdimOrWithoutAReferenceMeasureIsRefused() {
        assertThatThrownBy(() -> CheapestSetting.choose(List.of(new Point(UNIPC, 10, 0.9, 0.9)), 1.0))
                .hasMessageContaining("no DDIM point");
        assertThatThrownBy(() -> CheapestSetting.choose(List.of(new Point(DDIM, 50, Double.NaN, 0.9)), 1.0))
                .hasMessageContaining("lacks a measure");
        assertThatThrownBy(() -> CheapestSetting.choose(List.of(DDIM_50), -1)).hasMessageContaining("tolerance");
    }
}
