package dev.codi.gateway.jobs;

import dev.codi.gateway.http.Problem;
import dev.codi.gateway.uploads.MediaLimitProblems;
import dev.codi.gateway.uploads.StoredUpload;
import dev.codi.gateway.uploads.UploadLookup;
import dev.codi.gateway.uploads.Uploads;
import dev.codi.gateway.webhooks.SsrfGuard;
import dev.codi.gateway.webhooks.WebhookSubscription;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaDecoding;
import dev.codi.media.MediaLimits;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.protocol.JobParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Validates the body of {@code POST /v1/jobs} and decodes every media input once, so a job that
 * reaches Kafka has inputs the encoders can read. Every refusal is a {@link Problem} naming the
 * field and what to send instead. Decoding is CPU work: call it off the event loop.
 */
public final class JobRequestParser {
    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("inputs", "weights", "outputs", "params", "webhook");
    private static final int MAX_TEXT_CHARACTERS = 1000;

    private final MediaLimits mediaLimits;
    private final RandomGenerator seeds;
    private final SsrfGuard webhookGuard;
    private final UploadLookup uploads;

    /**
     * @param webhookGuard checks webhook URLs (resolving their host: this is why parsing is blocking)
     * @param uploads      where {@code {"upload": id}} inputs are looked up
     */
    public JobRequestParser(MediaLimits mediaLimits, RandomGenerator seeds, SsrfGuard webhookGuard, UploadLookup uploads) {
        this.mediaLimits = mediaLimits;
        this.seeds = seeds;
        this.webhookGuard = webhookGuard;
        this.uploads = uploads;
    }

    /** @param owner the API key's id: only its own uploads may be inputs */
    public NewJob parse(JsonObject body, String owner) {
        for (String field : body.fieldNames()) {
            if (!TOP_LEVEL_FIELDS.contains(field)) {
                throw Problem.invalidRequest("unknown field '" + field + "'; a job has " + TOP_LEVEL_FIELDS);
            }
        }
        Map<Modality, NewJob.InputFile> inputs = parseInputs(body.getValue("inputs"), owner);
        Map<Modality, Double> weights = parseWeights(body.getValue("weights"), inputs);
        List<Modality> outputs = parseOutputs(body.getValue("outputs"));
        JobParams params;
        try {
            Object paramsValue = body.getValue("params");
            if (paramsValue != null && !(paramsValue instanceof JsonObject)) {
                throw new IllegalArgumentException("params must be an object");
            }
            params = JobParams.fromJson((JsonObject) paramsValue, seeds.nextLong() & Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw stepsOverLimit(body.getValue("params")) ? Problem.limitExceeded(422, "params.steps", JobParams.MAX_STEPS,
                    e.getMessage()) : Problem.invalidRequest(e.getMessage());
        }
        WebhookSubscription webhook = null;
        if (body.getValue("webhook") != null) {
            try {
                webhook = WebhookSubscription.parse(body.getValue("webhook"));
                webhookGuard.check(webhook.url());
            } catch (IllegalArgumentException e) {
                throw Problem.invalidRequest(e.getMessage());
            }
        }
        return new NewJob(inputs, weights, outputs, params, webhook);
    }

    private Map<Modality, NewJob.InputFile> parseInputs(Object value, String owner) {
        if (!(value instanceof JsonObject inputs) || inputs.isEmpty()) {
            throw Problem.invalidRequest("'inputs' must be a non-empty object with any of text, image, audio, video");
        }
        Map<Modality, NewJob.InputFile> parsed = new EnumMap<>(Modality.class);
        for (String name : inputs.fieldNames()) {
            Modality modality = modality(name, "inputs");
            Object input = inputs.getValue(name);
            if (modality == Modality.TEXT) {
                parsed.put(modality, text(input));
            } else {
                parsed.put(modality, media(modality, input, owner));
            }
        }
        return parsed;
    }

    private static NewJob.InputFile text(Object input) {
        if (!(input instanceof String text) || text.isBlank()) {
            throw Problem.invalidRequest("inputs.text must be a non-empty string");
        }
        if (text.length() > MAX_TEXT_CHARACTERS) {
            throw Problem.limitExceeded(422, "text_characters", MAX_TEXT_CHARACTERS,
                    "inputs.text has " + text.length() + " characters; the limit is " + MAX_TEXT_CHARACTERS);
        }
        return new NewJob.InputFile(MediaType.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    private NewJob.InputFile media(Modality modality, Object input, String owner) {
        String field = "inputs." + modality.wireName();
        if (input instanceof JsonObject object && object.getValue("upload") instanceof String uploadId) {
            StoredUpload upload;
            try {
                upload = uploads.find(owner, uploadId).orElseThrow(() -> Problem.invalidRequest(
                        field + ": no upload with id '" + uploadId + "'; upload the file first with POST /v1/uploads"));
            } catch (Problem expired) {
                throw expired.inField(field);
            }
            if (upload.modality() != modality) {
                throw Problem.invalidRequest(field + ": upload " + uploadId + " is " + upload.modality().wireName()
                        + " (" + upload.type().contentType() + "); send " + accepted(modality));
            }
            return new NewJob.InputFile(upload.type(), null, upload.objectKey());
        }
        if (!(input instanceof JsonObject object) || !(object.getValue("base64") instanceof String encoded)) {
            throw Problem.invalidRequest(field + " must be an object {\"base64\": \"...\"} holding the file's bytes, or {\"upload\": \"<id>\"}");
        }
        byte[] bytes;
        try {
            // Strict alphabet; line breaks (MIME-style wrapping) are tolerated.
            bytes = Base64.getDecoder().decode(encoded.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw Problem.undecodableMedia(field, "base64 is invalid: " + e.getMessage());
        }
        MediaType type = MediaType.sniff(bytes).orElseThrow(() -> Problem.undecodableMedia(field,
                "unrecognised file format; send " + accepted(modality)));
        try {
            switch (modality) {
                case IMAGE -> MediaDecoding.decodeImage(bytes, mediaLimits);
                case AUDIO -> MediaDecoding.decodeAudio(bytes, mediaLimits);
                case VIDEO -> MediaDecoding.decodeVideo(bytes, mediaLimits, Uploads.CHECK_SIDE, Uploads.CHECK_SIDE);
                case TEXT -> throw new IllegalStateException("text is not media");
            }
        } catch (MediaDecodeException e) {
            throw MediaLimitProblems.of(field, e, "send " + accepted(modality), mediaLimits);
        }
        return new NewJob.InputFile(type, bytes);
    }

    private static boolean stepsOverLimit(Object params) {
        return params instanceof JsonObject json && json.getValue("steps") instanceof Number steps
                && steps.doubleValue() > JobParams.MAX_STEPS;
    }

    private static String accepted(Modality modality) {
        return switch (modality) {
            case IMAGE -> "a PNG or JPEG image";
            case AUDIO -> "a WAV file (PCM or float, any rate, mono or stereo)";
            case VIDEO -> "an animated GIF or an H.264 MP4";
            case TEXT -> "a string";
        };
    }

    private static Map<Modality, Double> parseWeights(Object value, Map<Modality, NewJob.InputFile> inputs) {
        Map<Modality, Double> weights = new EnumMap<>(Modality.class);
        if (value == null) {
            return weights;
        }
        if (!(value instanceof JsonObject object)) {
            throw Problem.invalidRequest("'weights' must be an object mapping input modalities to positive numbers");
        }
        for (String name : object.fieldNames()) {
            Modality modality = modality(name, "weights");
            if (!inputs.containsKey(modality)) {
                throw Problem.invalidRequest("weights." + name + " is given but there is no " + name + " input");
            }
            if (!(object.getValue(name) instanceof Number number) || !(number.doubleValue() > 0)
                    || Double.isInfinite(number.doubleValue())) {
                throw Problem.invalidRequest("weights." + name + " must be a positive number, got " + object.getValue(name));
            }
            weights.put(modality, number.doubleValue());
        }
        return weights;
    }

    private static List<Modality> parseOutputs(Object value) {
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            throw Problem.invalidRequest("'outputs' must be a non-empty array of text, image, audio, video");
        }
        List<Modality> outputs = new ArrayList<>();
        for (Object item : array) {
            if (!(item instanceof String name)) {
                throw Problem.invalidRequest("'outputs' must hold modality names, got " + item);
            }
            Modality modality = modality(name, "outputs");
            if (outputs.contains(modality)) {
                throw Problem.invalidRequest("'outputs' lists " + name + " twice");
            }
            outputs.add(modality);
        }
        return outputs;
    }

    private static Modality modality(String name, String field) {
        try {
            return Modality.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw Problem.invalidRequest(field + ": " + e.getMessage());
        }
    }
}
