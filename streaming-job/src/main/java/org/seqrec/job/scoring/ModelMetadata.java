package org.seqrec.job.scoring;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.seqrec.avro.Action;

/**
 * What the job needs to know about a model, read from the ONNX file's {@code metadata_props} (the
 * model contract, written by model-export): architecture and version, action names in output order,
 * how to turn raw item ids and actions into the model's indices, and how to rank.
 */
public final class ModelMetadata implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final Set<String> ARCHITECTURES = Set.of("attn_mvp", "attn_lfa", "interleaved");
    static final String CONTRACT_VERSION = "1";
    /** Bounds on the names a model brings into every recommendation, so its size has a bound. */
    public static final int MAX_ACTIONS = 16;
    public static final int MAX_NAME_CHARS = 64;
    static final List<String> REQUIRED_KEYS = List.of("architecture", "model_version", "contract_version",
            "action_names", "unknown_action_index", "ranking_weights", "max_history", "item_vocab",
            "item_padding_index", "item_unknown_index");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String architecture;
    private final String version;
    private final List<String> actionNames;
    private final float[] rankingWeights;
    private final int maxHistory;
    private final long paddingItem;
    private final long unknownItem;
    private final long unknownAction;
    private final long[] actionIndexByOrdinal;
    private final Map<String, Integer> itemIndex;

    private ModelMetadata(String architecture, String version, List<String> actionNames, float[] rankingWeights,
            int maxHistory, long paddingItem, long unknownItem, long unknownAction, Map<String, Integer> itemIndex) {
        this.architecture = architecture;
        this.version = version;
        this.actionNames = List.copyOf(actionNames);
        this.rankingWeights = rankingWeights;
        this.maxHistory = maxHistory;
        this.paddingItem = paddingItem;
        this.unknownItem = unknownItem;
        this.unknownAction = unknownAction;
        this.itemIndex = itemIndex;
        this.actionIndexByOrdinal = new long[Action.values().length];
        for (Action action : Action.values()) {
            int index = actionNames.indexOf(action.name().toLowerCase(Locale.ROOT));
            actionIndexByOrdinal[action.ordinal()] = index >= 0 ? index : unknownAction;
        }
    }

    /**
     * Parses and checks the metadata of {@code source} (a path, for messages).
     *
     * @throws ModelContractException naming the missing or invalid entry
     */
    public static ModelMetadata parse(Map<String, String> props, String source) {
        for (String key : REQUIRED_KEYS) {
            if (!props.containsKey(key) || props.get(key).isBlank()) {
                throw new ModelContractException(source + " has no '" + key + "' metadata entry: it was not exported by"
                        + " model-export (python3 -m attnmvp export), or by an older version; re-export it");
            }
        }
        String architecture = props.get("architecture");
        if (!ARCHITECTURES.contains(architecture)) {
            throw new ModelContractException(source + " has architecture '" + architecture + "'; the job knows "
                    + ARCHITECTURES + ". Point scoring.model-path at a model exported by this project's model-export");
        }
        if (!CONTRACT_VERSION.equals(props.get("contract_version"))) {
            throw new ModelContractException(source + " follows model contract version " + props.get("contract_version")
                    + "; this job reads version " + CONTRACT_VERSION + ". Use a job and model of matching versions");
        }
        try {
            List<String> actions = JSON.readValue(props.get("action_names"), new TypeReference<List<String>>() {});
            if (actions.size() > MAX_ACTIONS || props.get("model_version").length() > MAX_NAME_CHARS
                    || actions.stream().anyMatch(name -> name.length() > MAX_NAME_CHARS)) {
                throw new ModelContractException(source + " has " + actions.size() + " action names or a name or"
                        + " model_version longer than allowed; the contract allows at most " + MAX_ACTIONS
                        + " actions and " + MAX_NAME_CHARS + " characters per name, which bound a recommendation's size");
            }
            Map<String, Double> weights = JSON.readValue(props.get("ranking_weights"),
                    new TypeReference<Map<String, Double>>() {});
            float[] rankingWeights = new float[actions.size()];
            for (var weight : weights.entrySet()) {
                int index = actions.indexOf(weight.getKey());
                if (index < 0) {
                    throw new ModelContractException(source + " ranks by action '" + weight.getKey()
                            + "', which is not among its action_names " + actions);
                }
                rankingWeights[index] = weight.getValue().floatValue();
            }
            List<String> vocab = JSON.readValue(props.get("item_vocab"), new TypeReference<List<String>>() {});
            long padding = Long.parseLong(props.get("item_padding_index"));
            long unknown = Long.parseLong(props.get("item_unknown_index"));
            int offset = (int) Math.max(padding, unknown) + 1;
            Map<String, Integer> itemIndex = new HashMap<>(vocab.size() * 2);
            for (int i = 0; i < vocab.size(); i++) {
                itemIndex.put(vocab.get(i), i + offset);
            }
            return new ModelMetadata(architecture, props.get("model_version"), actions, rankingWeights,
                    Integer.parseInt(props.get("max_history")), padding, unknown,
                    Long.parseLong(props.get("unknown_action_index")), itemIndex);
        } catch (ModelContractException e) {
            throw e;
        } catch (Exception e) {
            throw new ModelContractException(source + " has malformed metadata (" + e.getMessage() + "); re-export it", e);
        }
    }

    public String architecture() {
        return architecture;
    }

    public String version() {
        return version;
    }

    public List<String> actionNames() {
        return actionNames;
    }

    public int numActions() {
        return actionNames.size();
    }

    public int maxHistory() {
        return maxHistory;
    }

    public long paddingItem() {
        return paddingItem;
    }

    /** The model's index of a raw item id; items it never saw in training get the unknown index. */
    public long itemIndex(String rawItemId) {
        Integer index = itemIndex.get(rawItemId);
        return index == null ? unknownItem : index;
    }

    public long actionIndex(Action action) {
        return actionIndexByOrdinal[action.ordinal()];
    }

    /** The ranking score of one candidate from its action probabilities ({@code probs[offset ..]}). */
    public float rankingScore(float[] probs, int offset) {
        float score = 0;
        for (int a = 0; a < rankingWeights.length; a++) {
            score += rankingWeights[a] * probs[offset + a];
        }
        return score;
    }
}
