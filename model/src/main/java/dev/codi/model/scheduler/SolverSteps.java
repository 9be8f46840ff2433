package dev.codi.model.scheduler;

import java.util.Arrays;

/**
 * What every multistep ODE solver checks before a step: the timestep is in the schedule, it follows
 * the previous step's (a solver remembers earlier predictions, so it cannot skip nor go back), and η
 * is 0 (the probability-flow ODE has no noise term).
 */
final class SolverSteps {
    private SolverSteps() {
    }

    /** The index of {@code t} in {@code timesteps}: 0 starts a new trajectory, anything else must follow {@code previousIndex}. */
    static int indexOfNext(int[] timesteps, int t, int previousIndex, double eta, String solver) {
        int index = indexOf(timesteps, t);
        if (index < 0) {
            throw new IllegalArgumentException("timestep " + t + " is not in the schedule " + Arrays.toString(timesteps)
                    + "; call setTimesteps first");
        }
        if (eta != 0) {
            throw new IllegalArgumentException(solver + " is deterministic: eta must be 0, got " + eta);
        }
        if (index != 0 && index != previousIndex + 1) {
            throw new IllegalArgumentException("timestep " + t + " does not follow "
                    + (previousIndex < 0 ? "the start" : "timestep " + timesteps[previousIndex]) + " in the schedule");
        }
        return index;
    }

    private static int indexOf(int[] timesteps, int t) {
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == t) {
                return i;
            }
        }
        return -1;
    }
}
