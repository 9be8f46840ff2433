package dev.codi.protocol.events;

import io.vertx.core.json.JsonArray;

/** float[] ⇄ JSON arrays, for the (small) conditioning vectors that travel inline. */
final class Vectors {
    private Vectors() {
    }

    static JsonArray toJson(float[] vector) {
        JsonArray array = new JsonArray();
        for (float value : vector) {
            array.add(value);
        }
        return array;
    }

    static float[] fromJson(JsonArray array) {
        float[] vector = new float[array.size()];
        for (int i = 0; i < vector.length; i++) {
            Object value = array.getValue(i);
            if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
                throw new IllegalArgumentException("vector element " + i + " is not a finite number: " + value);
            }
            vector[i] = number.floatValue();
        }
        return vector;
    }

    static JsonArray toJson(int[] shape) {
        JsonArray array = new JsonArray();
        for (int value : shape) {
            array.add(value);
        }
        return array;
    }

    static int[] shapeFromJson(JsonArray array) {
        int[] shape = new int[array.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = array.getInteger(i);
        }
        return shape;
    }
}
