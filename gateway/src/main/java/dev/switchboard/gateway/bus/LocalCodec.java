package dev.switchboard.gateway.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable record between verticles of one JVM by reference (no copy, no JSON).
 * These records never leave the JVM: their consumers are registered as local consumers, and a
 * clustered bus is not supported yet, so the wire methods refuse loudly instead of guessing.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  public LocalCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is local to one JVM");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(type.getSimpleName() + " is local to one JVM");
  }

  @Override
  public T transform(T value) {
    return value; // immutable: safe to share
  }

  @Override
  public String name() {
    return "local:" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
