package org.cbtm.fewshot;

/**
 * The text between the parts of a prompt.
 *
 * @param delimiter        between demonstrations, and between the last demonstration and the test input. Inputs
 *                         have their whitespace collapsed to single spaces, so a delimiter with a newline is never
 *                         confused with an input's own layout
 * @param contentFreeInput the input of the content-free prompt that calibration (domain-conditional PMI) divides
 *                         by: empty for the task prompt alone (the domain premise of Holtzman et al., 2021), or e.g.
 *                         {@code "N/A"} (the content-free input of Zhao et al., 2021)
 */
public record PromptFormat(String delimiter, String contentFreeInput) {

    public PromptFormat {
        if (delimiter == null || delimiter.isEmpty()) {
            throw new IllegalArgumentException("a prompt needs a non-empty delimiter between demonstrations");
        }
        contentFreeInput = contentFreeInput == null ? "" : contentFreeInput;
    }

    /** Demonstrations separated by a blank line; calibration by the task prompt alone. */
    public static PromptFormat standard() {
        return new PromptFormat("\n\n", "");
    }

    public PromptFormat withContentFreeInput(String input) {
        return new PromptFormat(delimiter, input);
    }
}
