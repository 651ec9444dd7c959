package io.switchboard.cases;

import java.util.Objects;

/**
 * What a complaint case carries besides the case itself.
 *
 * @param category the cause, from a closed list (reported on)
 * @param product what the complaint is about, free text, may be empty
 * @param slaOverrun why a service-level promise was missed, when it was (may be empty)
 * @param response the uniform response given to the customer, or null until there is one
 */
public record Complaint(ComplaintCategory category, String product, String slaOverrun, UniformResponse response) {
    public Complaint {
        Objects.requireNonNull(category, "category");
        product = Text.optional(product, "complaint.product", 200);
        slaOverrun = Text.optional(slaOverrun, "complaint.slaOverrun", 1000);
    }

    /**
     * The response every complaint gets alike: an apology, an assurance it will not happen again, and
     * optionally a gesture of goodwill (a voucher, a refund) with its value.
     */
    public record UniformResponse(String apology, String assurance, Gesture gesture) {
        public UniformResponse {
            apology = Text.required(apology, "complaint.response.apology", 2000);
            assurance = Text.required(assurance, "complaint.response.assurance", 2000);
        }
    }

    /** @param value in the account currency, at least 0 */
    public record Gesture(String kind, double value) {
        public Gesture {
            kind = Text.required(kind, "complaint.response.gesture.kind", 64);
            if (Double.isNaN(value) || value < 0 || value > 1e9) {
                throw new IllegalArgumentException("complaint.response.gesture.value must be between 0 and 1e9");
            }
        }
    }
}
