package dev.codi.gateway.jobs;

import dev.codi.gateway.Gen;
import dev.codi.gateway.http.Problem;
import dev.codi.gateway.idempotency.IdempotencyKeys;
import dev.codi.gateway.webhooks.SsrfGuard;
import dev.codi.media.AudioClip;
import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaLimits;
import dev.codi.media.Mp4Codec;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.media.WavCodec;
import dev.codi.protocol.JobParams;
import dev.codi.storage.ObjectKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests over what a client controls in {@code POST /v1/jobs}: the body (inputs, weights,
 * outputs, params, webhook), the Prefer and Idempotency-Key headers, and upload ids. The only
 * outcomes are a valid job or a 4xx problem; a valid job's numbers are finite. Bodies follow the
 * request's grammar with every value drawn from valid, near-valid and hostile choices.
 */
class JobRequestParserPropertiesTest {
    private static final byte[] PNG = ImageCodec.encodePng(RgbImage.blank(4, 3));
    private static final byte[] WAV = WavCodec.encode(new AudioClip(8000, new float[80]));
    private static final VideoClip CLIP = new VideoClip(List.of(RgbImage.blank(16, 16), RgbImage.blank(16, 16)), 4);
    private static final byte[] GIF = GifCodec.encode(CLIP);
    private static final byte[] MP4 = Mp4Codec.encode(CLIP);
    private static final List<String> MODALITY_NAMES = List.of("text", "image", "audio", "video", "smell", "", "TEXT");
    /** A name that resolves to a public address, one to loopback; literals are parsed, never looked up. */
    private static final SsrfGuard GUARD = new SsrfGuard(false, false, host -> switch (host) {
        case "hooks.example.com" -> new InetAddress[] {InetAddress.getByName("93.184.216.34")};
        case "rebind.example.com" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        default -> {
            if (host.matches("[0-9.]+|[0-9a-fA-F:.]+")) {
                yield new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new java.net.UnknownHostException(host);
        }
    });
    private final JobRequestParser parser = new JobRequestParser(MediaLimits.defaults(), new SplittableRandom(1), GUARD,
            (owner, id) -> Optional.empty());

    @Test
    void anyBodyIsAValidJobOrA4xxProblem() {
        int[] valid = new int[1];
        Gen.forAll("job bodies", JobRequestParserPropertiesTest::body, body -> {
            NewJob job;
            try {
                job = parser.parse(body, "alice");
            } catch (Problem problem) {
                assertThat(problem.status()).as(problem.getMessage()).isBetween(400, 499);
                assertThat(problem.getMessage()).isNotBlank();
                return;
            }
            valid[0]++;
            assertThat(job.inputs()).isNotEmpty();
            assertThat(job.outputs()).isNotEmpty().doesNotHaveDuplicates();
            job.weights().values().forEach(weight -> assertThat(weight).isPositive().isFinite());
            JobParams params = job.params();
            assertThat(params.steps()).isBetween(1, JobParams.MAX_STEPS);
            assertThat(params.guidance()).isFinite();
            assertThat(params.eta()).isFinite();
            assertThat(params.feedback()).isFinite();
        });
        assertThat(valid[0]).as("bodies that made a valid job: the grammar reaches the happy path").isPositive();
    }

    @Test
    void preferNeverFailsAndWaitsAtMostTheMaximum() {
        Gen.forAll("Prefer headers", JobRequestParserPropertiesTest::prefer, headers -> PreferWait.parse(headers)
                .ifPresent(wait -> assertThat(wait).isBetween(Duration.ZERO, Duration.ofSeconds(PreferWait.MAX_SECONDS))));
    }

    @Test
    void anIdempotencyKeyIsUsableOrA400() {
        Gen.forAll("Idempotency-Key values", JobRequestParserPropertiesTest::headerValue, value -> {
            Optional<String> key;
            try {
                key = IdempotencyKeys.parseHeader(value);
            } catch (Problem problem) {
                assertThat(problem.status()).isEqualTo(400);
                return;
            }
            key.ifPresent(k -> assertThat(k).hasSizeBetween(1, IdempotencyKeys.MAX_KEY_LENGTH)
                    .matches("[\\x20-\\x7e&&[^\"\\\\]]+"));
        });
    }

    @Test
    void anUploadIdThatIsValidCannotLeaveItsFolder() {
        Gen.forAll("upload ids", JobRequestParserPropertiesTest::headerValue, id -> {
            if (ObjectKeys.isValidId(id)) {
                assertThat(id).matches("[A-Za-z0-9_-]+");
                assertThat(ObjectKeys.upload(id)).startsWith("uploads/").doesNotContain("..").doesNotContain("//");
            }
        });
    }

    // --- generators ---

    static JsonObject body(Gen gen) {
        return gen.chance(0.4) ? nearlyValidBody(gen) : hostileBody(gen);
    }

    /** A valid job with one or two of its values drawn from plausible and edge choices. */
    private static JsonObject nearlyValidBody(Gen gen) {
        JsonObject inputs = new JsonObject().put("text", gen.oneOf("a red circle moving up", "x", "ü " + gen.string(20)));
        if (gen.chance(0.5)) {
            inputs.put(gen.oneOf("image", "audio", "video"), gen.chance(0.7) ? base64(gen.oneOf(PNG, WAV, GIF, MP4)) : inputValue(gen));
        }
        JsonObject body = new JsonObject().put("inputs", inputs)
                .put("outputs", new JsonArray().add(gen.oneOf("text", "image", "audio", "video")));
        if (gen.chance(0.5)) {
            body.put("params", new JsonObject().put(gen.oneOf("steps", "guidance", "eta", "seed", "stagger", "feedback"),
                    gen.chance(0.6) ? gen.oneOf(1, 2, 10, 0.5, 7.5) : gen.number()));
        }
        if (gen.chance(0.3)) {
            body.put("weights", new JsonObject().put("text", gen.chance(0.6) ? gen.oneOf(1, 0.5, 2.0) : gen.number()));
        }
        if (gen.chance(0.2)) {
            body.put("webhook", new JsonObject().put("url", url(gen)));
        }
        return body;
    }

    private static JsonObject hostileBody(Gen gen) {
        JsonObject body = new JsonObject();
        int present = gen.between(0, 31);
        if ((present & 1) != 0 || present > 20) {
            body.put("inputs", gen.chance(0.85) ? inputs(gen) : anyJson(gen, 2));
        }
        if ((present & 2) != 0 || present > 20) {
            body.put("outputs", gen.chance(0.85)
                    ? new JsonArray(new ArrayList<>(gen.list(4, () -> gen.oneOf(MODALITY_NAMES.toArray())))) : anyJson(gen, 2));
        }
        if ((present & 4) != 0) {
            JsonObject weights = new JsonObject();
            gen.list(3, () -> gen.oneOf(MODALITY_NAMES.toArray())).forEach(name -> weights.put((String) name, gen.number()));
            body.put("weights", gen.chance(0.85) ? weights : anyJson(gen, 2));
        }
        if ((present & 8) != 0) {
            JsonObject params = new JsonObject();
            gen.list(5, () -> gen.oneOf("steps", "guidance", "eta", "seed", "joint", "stagger", "feedback", "temperature"))
                    .forEach(name -> params.put(name, gen.anyOf(gen::number, () -> gen.oneOf(true, false, "3", "", null))));
            body.put("params", gen.chance(0.85) ? params : anyJson(gen, 2));
        }
        if ((present & 16) != 0) {
            body.put("webhook", gen.anyOf(() -> new JsonObject().put("url", url(gen)), () -> url(gen), () -> anyJson(gen, 2)));
        }
        if (present == 31) {
            body.put(gen.string(8), 1);
        }
        return body;
    }

    private static JsonObject inputs(Gen gen) {
        JsonObject inputs = new JsonObject();
        for (Object name : gen.list(3, () -> gen.oneOf(MODALITY_NAMES.toArray()))) {
            inputs.put((String) name, inputValue(gen));
        }
        return inputs;
    }

    private static Object inputValue(Gen gen) {
        byte[] media = gen.oneOf(PNG, WAV, GIF, MP4);
        return gen.anyOf(
                () -> gen.string(gen.chance(0.1) ? 1100 : 40),
                () -> base64(media),
                () -> {
                    byte[] mutant = media.clone();
                    for (int i = gen.between(1, 4); i > 0; i--) {
                        mutant[4 + gen.random().nextInt(mutant.length - 4)] = (byte) gen.random().nextInt(256);
                    }
                    return base64(gen.chance(0.3) ? java.util.Arrays.copyOf(mutant, gen.between(0, mutant.length)) : mutant);
                },
                () -> new JsonObject().put("base64", gen.string(100)),
                () -> new JsonObject().put("upload", gen.anyOf(() -> gen.string(40), () -> "upl_" + gen.string(12))),
                () -> anyJson(gen, 2));
    }

    private static JsonObject base64(byte[] bytes) {
        return new JsonObject().put("base64", Base64.getEncoder().encodeToString(bytes));
    }

    /** Any JSON value, nested at most {@code depth} deep. */
    static Object anyJson(Gen gen, int depth) {
        int kind = gen.between(0, depth > 0 ? 5 : 3);
        return switch (kind) {
            case 0 -> gen.number();
            case 1 -> gen.string(20);
            case 2 -> gen.chance(0.5);
            case 3 -> null;
            case 4 -> new JsonArray(new ArrayList<>(gen.list(3, () -> anyJson(gen, depth - 1))));
            default -> {
                JsonObject object = new JsonObject();
                gen.list(3, () -> gen.string(8)).forEach(key -> object.put(key, anyJson(gen, depth - 1)));
                yield object;
            }
        };
    }

    static String url(Gen gen) {
        return gen.anyOf(
                () -> gen.oneOf("https://hooks.example.com/hook", "http://rebind.example.com/", "http://127.0.0.1:8080/",
                        "http://[::1]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/", "https://[::ffff:10.0.0.1]/",
                        "ftp://hooks.example.com/", "https://user:pw@hooks.example.com/", "http://", "https://[/",
                        "http://198.18.0.1/", "http://0.1.2.3/", "http://240.0.0.1/", "http://unknown.example/"),
                () -> "https://" + gen.string(60),
                () -> gen.string(60),
                () -> "https://" + "a".repeat(3000));
    }

    static List<String> prefer(Gen gen) {
        List<String> parts = gen.list(4, () -> gen.anyOf(
                () -> gen.oneOf("wait=5", "wait=0", "wait=-1", "wait=99999999999999999999", "wait=\"10\"", "respond-async",
                        "wait=1e3", "WAIT=7", "wait=10;x=1", "", ",", ";;;"),
                () -> gen.string(40),
                () -> "wait=" + gen.random().nextLong()));
        return List.of(String.join(",", parts));
    }

    static String headerValue(Gen gen) {
        return gen.anyOf(
                () -> gen.string(300),
                () -> gen.oneOf("\"\"", "\"abc\"", "abc", "../etc/passwd", "upl_AAAA", "a/b", "%2e%2e", " ", "\u0000",
                        "\"" + "k".repeat(255) + "\"", "k".repeat(256)),
                () -> gen.string(12).replaceAll("[^A-Za-z0-9_-]", "x"));
    }
}
