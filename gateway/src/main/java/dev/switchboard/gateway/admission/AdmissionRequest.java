package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.config.RateLimit;

/**
 * May this tenant's webhook call in? {@code cost} tokens of its inbound bucket ({@code limit}, as
 * configured now). Answered with nothing, or failed with {@code RATE_LIMITED} whose message is the
 * number of seconds to wait.
 */
public record AdmissionRequest(String tenantId, RateLimit limit, int cost) {
}
