package dev.switchboard.channel.whatsapp;

import java.time.Instant;

/**
 * What every item of one {@code changes[]} element shares.
 *
 * @param accountRef the change's {@code metadata.phone_number_id} (already checked to be the tenant's)
 * @param contacts   the change's {@code contacts[]} by wa_id / user_id
 * @param receivedAt the gateway's receive time, used when an item has no usable timestamp
 */
record ChangeContext(String accountRef, ContactDirectory contacts, Instant receivedAt, String scope) {
}
