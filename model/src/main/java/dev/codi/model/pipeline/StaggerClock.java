package dev.codi.model.pipeline;

import dev.codi.media.Modality;

import java.util.List;

/**
 * Which DDIM step each output takes at each iteration of the joint loop, with staggered starts
 * (docs/design.md §6.4): the output at position p in modality order takes its own steps in
 * iterations p·k to p·k + steps − 1, k the stagger. Before, it waits as its initial noise; after, it
 * is finished; either way the others still read its environment token. k = 0 is CoDi's lockstep.
 *
 * @param outputs the outputs in modality order
 * @param steps   DDIM steps of every output
 * @param stagger iterations between the starts of two outputs (0 when not joint)
 */
record StaggerClock(List<Modality> outputs, int steps, int stagger) {

    /** The loop's iterations: the steps, plus the later outputs' delay. */
    int iterations() {
        return steps + (outputs.size() - 1) * stagger;
    }

    /** The output's own step at iteration {@code i}: &lt; 0 waiting, ≥ steps finished. */
    int ownStep(Modality output, int iteration) {
        return iteration - outputs.indexOf(output) * stagger;
    }

    boolean waiting(int ownStep) {
        return ownStep < 0;
    }

    boolean finished(int ownStep) {
        return ownStep >= steps;
    }

    boolean denoising(int ownStep) {
        return !waiting(ownStep) && !finished(ownStep);
    }
}
