package dev.codi.model.denoiser;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.codi.model.nn.Conv2dLayer;
import dev.codi.model.nn.CrossAttention;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.GroupNorm;
import dev.codi.model.nn.LearnedTensor;
import dev.codi.model.nn.Ops;
import dev.codi.model.nn.ResBlock;
import dev.codi.model.nn.SeededInit;
import dev.codi.model.nn.SpaceTimeConv;
import dev.codi.model.nn.TemporalConv;
import dev.codi.model.nn.TimestepEmbedding;
import dev.codi.model.nn.TinyBlock;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;

/**
 * A two-level U-Net for (c, h, w) latents (image, audio spectrogram) or, with {@code frames > 1},
 * (frames, c, h, w) video latents: each frame goes through the spatial layers and a temporal conv
 * after every res block mixes the frames. Video also adds to each frame's timestep embedding a
 * learned frame embedding (where the frame stands in the clip) and an MLP of [conditioning; frame
 * embedding] (what the prompt asks of that frame, e.g. where a moving shape should be by then),
 * and after each temporal conv a conditioned 3-D convolution over frames × space ({@link SpaceTimeConv}):
 * a temporal conv sees one position over time, so on its own it cannot tell which way a shape moves.
 * At both levels: res block, [temporal], cross-attention to the conditioning, and CoDi's joint
 * cross-attention to the other modalities' environment tokens (zero-initialised output, skipped
 * when sampling alone).
 */
public final class SpatialDenoiser extends Denoiser {
    public record Config(int latentChannels, int frames, int channels, int groups, int heads, int timeFeatures,
                         int timeDim, int embeddingDim, int environmentDim) {
        public Config {
            if (frames < 1 || channels % groups != 0 || channels % heads != 0) {
                throw new IllegalArgumentException("invalid denoiser config " + this);
            }
        }
    }

    private final Config config;
    private final TimestepEmbedding timeEmbedding;
    private final Conv2dLayer convIn;
    private final ResBlock res1;
    private final TemporalConv temporal1;      // video only
    private final CrossAttention condition1;
    private final CrossAttention joint1;
    private final Conv2dLayer down;
    private final ResBlock res2;
    private final TemporalConv temporal2;      // video only
    private final CrossAttention condition2;
    private final CrossAttention joint2;
    private final ResBlock res3;               // after the skip concatenation
    private final TemporalConv temporal3;      // video only
    private final GroupNorm normOut;
    private final Conv2dLayer convOut;
    private final LearnedTensor frameEmbedding; // video only: (frames, timeDim), zero-initialised
    private final Dense frameCondition;         // video only: [conditioning; frame embedding] → hidden
    private final Dense frameConditionOut;      // video only: hidden → timeDim, zero-initialised
    private final SpaceTimeConv spaceTime1;     // video only, added after the frame layers (the last children)
    private final SpaceTimeConv spaceTime2;
    private final SpaceTimeConv spaceTime3;

    public SpatialDenoiser(Config config) {
        this.config = config;
        int c = config.channels();
        int g = config.groups();
        boolean video = config.frames() > 1;
        timeEmbedding = addChildBlock("time_embedding", new TimestepEmbedding(config.timeFeatures(), config.timeDim()));
        convIn = addChildBlock("conv_in", new Conv2dLayer(config.latentChannels(), c, 3));
        res1 = addChildBlock("res1", new ResBlock(c, c, config.timeDim(), g));
        temporal1 = video ? addChildBlock("temporal1", new TemporalConv(c, g, 3)) : null;
        condition1 = addChildBlock("condition1", new CrossAttention(c, config.embeddingDim(), config.heads(), g, false));
        joint1 = addChildBlock("joint1", new CrossAttention(c, config.environmentDim(), config.heads(), g, true));
        down = addChildBlock("down", new Conv2dLayer(c, c, 3, 2, 2));
        res2 = addChildBlock("res2", new ResBlock(c, c, config.timeDim(), g));
        temporal2 = video ? addChildBlock("temporal2", new TemporalConv(c, g, 3)) : null;
        condition2 = addChildBlock("condition2", new CrossAttention(c, config.embeddingDim(), config.heads(), g, false));
        joint2 = addChildBlock("joint2", new CrossAttention(c, config.environmentDim(), config.heads(), g, true));
        res3 = addChildBlock("res3", new ResBlock(2 * c, c, config.timeDim(), g));
        temporal3 = video ? addChildBlock("temporal3", new TemporalConv(c, g, 3)) : null;
        normOut = addChildBlock("norm_out", new GroupNorm(c, g));
        convOut = addChildBlock("conv_out", new Conv2dLayer(c, config.latentChannels(), 3));
        // last, so weights saved before they existed are a prefix of today's (see loadParameters)
        frameEmbedding = video ? addChildBlock("frame_embedding_" + SeededInit.ZERO_INIT_MARK,
                new LearnedTensor(config.frames(), config.timeDim())) : null;
        frameCondition = video ? addChildBlock("frame_condition", new Dense(config.embeddingDim() + config.timeDim(), config.timeDim())) : null;
        frameConditionOut = video ? addChildBlock("frame_condition_out_" + SeededInit.ZERO_INIT_MARK,
                new Dense(config.timeDim(), config.timeDim())) : null;
        spaceTime1 = video ? addChildBlock("space_time1", new SpaceTimeConv(c, g, config.embeddingDim())) : null;
        spaceTime2 = video ? addChildBlock("space_time2", new SpaceTimeConv(c, g, config.embeddingDim())) : null;
        spaceTime3 = video ? addChildBlock("space_time3", new SpaceTimeConv(c, g, config.embeddingDim())) : null;
    }

    public Config config() {
        return config;
    }

    @Override
    public List<TinyBlock> jointAttention() {
        return List.of(joint1, joint2);
    }

    @Override
    public NDArray predictNoise(ParameterStore store, NDArray latents, NDArray timesteps, NDArray context, NDArray environment,
                                NDArray jointRows) {
        Shape shape = latents.getShape();
        long n = shape.get(0);
        int frames = config.frames();
        NDArray time = timeEmbedding.apply(store, timesteps);                                  // (n, timeDim)
        NDArray x = latents;
        NDArray clipConditioning = null;                                                       // video: (n, embeddingDim)
        if (frames > 1) { // (n, frames, c, h, w) → (n·frames, c, h, w); per-clip inputs repeated per frame
            x = latents.reshape(n * frames, shape.get(2), shape.get(3), shape.get(4));
            long timeDim = time.getShape().get(1);
            NDArray perFrame = Ops.ownedBy(frameEmbedding.value(store, latents.getDevice()).expandDims(0)
                    .broadcast(n, frames, timeDim).reshape(n * frames, timeDim), latents);       // (n·frames, timeDim)
            clipConditioning = context.mean(new int[] {1});
            context = context.repeat(0, frames);
            // where a frame stands × what the conditioning asks (a motion): the offset that frame's shape needs
            NDArray pooledContext = clipConditioning.repeat(0, frames);                          // (n·frames, embeddingDim)
            NDArray frameConditioning = frameConditionOut.apply(store,
                    Ops.silu(frameCondition.apply(store, NDArrays.concat(new NDList(pooledContext, perFrame), 1))));
            time = time.repeat(0, frames).add(perFrame).add(frameConditioning);
            environment = environment == null ? null : environment.repeat(0, frames);
            jointRows = jointRows == null ? null : jointRows.repeat(0, frames);
        }
        NDArray h = convIn.apply(store, x);                                                    // (N, c, h, w)
        h = res1.apply(store, h, time);
        h = frames > 1 ? spaceTime1.apply(store, temporal1.apply(store, h, frames), frames, clipConditioning) : h;
        h = condition1.applySpatial(store, h, context);
        h = environment == null ? h : joint1.applySpatial(store, h, environment, jointRows);
        NDArray skip = h;
        h = down.apply(store, h);                                                              // (N, c, h/2, w/2)
        h = res2.apply(store, h, time);
        h = frames > 1 ? spaceTime2.apply(store, temporal2.apply(store, h, frames), frames, clipConditioning) : h;
        h = condition2.applySpatial(store, h, context);
        h = environment == null ? h : joint2.applySpatial(store, h, environment, jointRows);
        h = NDArrays.concat(new NDList(Ops.upsample(h, 2, 2), skip), 1);                       // (N, 2c, h, w)
        h = res3.apply(store, h, time);
        h = frames > 1 ? spaceTime3.apply(store, temporal3.apply(store, h, frames), frames, clipConditioning) : h;
        NDArray epsilon = convOut.apply(store, Ops.silu(normOut.apply(store, h)));             // (N, latentChannels, h, w)
        return epsilon.reshape(shape);
    }

    /**
     * As {@link ai.djl.nn.AbstractBlock}'s, except that video weights written before the frame
     * layers or the space-time layers existed (they end where those would start) load with them at
     * their zero initialisation — the denoiser they were trained as — so such a checkpoint can be
     * trained on.
     */
    @Override
    public void loadParameters(NDManager manager, DataInputStream in) throws IOException, MalformedModelException {
        loadMetadata(in.readByte(), in);
        for (Parameter parameter : getDirectParameters().values()) {
            parameter.load(manager, in);
        }
        boolean lateAddition = false; // the frame embedding and every child after it
        for (Block child : getChildren().values()) {
            lateAddition |= child == frameEmbedding;
            if (lateAddition && in.available() == 0) {
                continue;
            }
            child.loadParameters(manager, in);
        }
    }
}
