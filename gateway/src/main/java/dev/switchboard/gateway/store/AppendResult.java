package dev.switchboard.gateway.store;

/** How many of a call's events were new and how many were already stored. */
public record AppendResult(int stored, int duplicates) {
}
