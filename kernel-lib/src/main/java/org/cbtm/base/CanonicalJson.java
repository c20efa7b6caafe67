package org.cbtm.base;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Configs as canonical JSON: Jackson's view of a record (or map, list, ...), object keys sorted, compact. The same
 * config always gives the same string, so it can be hashed into a cache key or recorded in a {@link Provenance}.
 */
public final class CanonicalJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, true);

    private CanonicalJson() {
    }

    /** The canonical JSON text of {@code config}. */
    public static String of(Object config) {
        return tree(config).toString();
    }

    /** The canonical JSON tree of {@code config}. */
    public static JsonNode tree(Object config) {
        JsonNode tree = config == null ? JsonNodeFactory.instance.nullNode() : JSON.valueToTree(config);
        return sorted(tree);
    }

    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            fields.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            n.forEach(x -> a.add(sorted(x)));
            return a;
        }
        return n;
    }
}
