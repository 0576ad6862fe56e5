package dev.switchboard.gateway.plugins.builtin;

import dev.switchboard.plugin.message.ChainDecision;
import dev.switchboard.plugin.message.InboundContext;
import dev.switchboard.plugin.message.MessagePlugin;
import dev.switchboard.plugin.spi.ConfigField;
import dev.switchboard.plugin.spi.PluginDescriptor;
import dev.switchboard.plugin.spi.SpiVersion;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code auto-reply}: ordered regex rules ({@code match}, {@code reply}, {@code stop}, default
 * true); the first rule whose pattern is found in the message's text answers it. Patterns are
 * compiled once per chain configuration and checked when the config is loaded. A contact that
 * matched a rule is not answered by that rule again within {@code cooldown}.
 */
public final class AutoReplyPlugin implements MessagePlugin {
  /** Text longer than this is matched on its beginning only (patterns run in the dispatcher's thread). */
  static final int MAX_MATCHED = 4096;
  private static final int MAX_COOLDOWNS = 100_000;

  private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor("auto-reply", "Keyword auto-reply",
      "0.1.0", SpiVersion.CURRENT, List.of(
          ConfigField.required("rules", "Ordered rules: [{match: <regex>, reply: <text>, stop: true}]"),
          ConfigField.optional("cooldown", "PT30S", "A contact is answered by one rule at most once per this time")));

  private record Rule(Pattern pattern, String reply, boolean stop) {
  }

  private record Compiled(List<Rule> rules, Duration cooldown) {
  }

  private final Map<Object, Compiled> compiled = new ConcurrentHashMap<>();
  /** tenant, contact, rule → when it last answered (nanos). */
  private final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();

  @Override
  public PluginDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public void validate(Map<String, Object> settings) {
    compile(settings);
  }

  private static Compiled compile(Map<String, Object> settings) {
    if (!(settings.get("rules") instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException("rules: must be a list of {match, reply, stop}");
    }
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "rules[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> r)) {
        throw new IllegalArgumentException(at + ": must be a mapping with match and reply");
      }
      if (!(r.get("match") instanceof String match) || match.isEmpty()) {
        throw new IllegalArgumentException(at + ".match: is required (a regular expression)");
      }
      if (!(r.get("reply") instanceof String reply) || reply.isBlank() || reply.length() > 4096) {
        throw new IllegalArgumentException(at + ".reply: is required (a text of up to 4096 characters)");
      }
      Object stop = r.get("stop");
      if (stop != null && !(stop instanceof Boolean)) {
        throw new IllegalArgumentException(at + ".stop: must be true or false");
      }
      for (Object key : r.keySet()) {
        if (!List.of("match", "reply", "stop").contains(key)) {
          throw new IllegalArgumentException(at + "." + key + ": unknown setting (use match, reply, stop)");
        }
      }
      try {
        rules.add(new Rule(Pattern.compile(match), reply, stop == null || (Boolean) stop));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(at + ".match: is not a valid regular expression: " + e.getDescription());
      }
    }
    String v = String.valueOf(settings.getOrDefault("cooldown", "PT30S"));
    Duration cooldown;
    try {
      cooldown = Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("cooldown: must be an ISO-8601 duration like PT30S, got '" + v + "'");
    }
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("cooldown: must not be negative");
    }
    return new Compiled(rules, cooldown);
  }

  @Override
  public Future<ChainDecision> handle(InboundContext ctx) {
    Compiled c = compiled.computeIfAbsent(new LinkedHashMap<>(ctx.settings()), k -> compile(ctx.settings()));
    String text = ctx.message().text();
    if (text == null && ctx.message().interactive() != null) {
      text = ctx.message().interactive().title();
    }
    if (text == null || ctx.message().contact() == null) {
      return Future.succeededFuture(ChainDecision.CONTINUE);
    }
    String matched = text.length() > MAX_MATCHED ? text.substring(0, MAX_MATCHED) : text;
    for (int i = 0; i < c.rules().size(); i++) {
      Rule rule = c.rules().get(i);
      if (!rule.pattern().matcher(matched).find()) {
        continue;
      }
      String key = ctx.tenant().value() + '\u0000' + ctx.message().contact().platformUserId() + '\u0000' + i;
      long now = System.nanoTime();
      Long last = lastAnswer.get(key);
      if (last != null && now - last < c.cooldown().toNanos()) {
        return Future.succeededFuture(rule.stop() ? new ChainDecision.Stop("cooldown") : ChainDecision.CONTINUE);
      }
      if (lastAnswer.size() >= MAX_COOLDOWNS) {
        lastAnswer.entrySet().removeIf(e -> now - e.getValue() > c.cooldown().toNanos());
      }
      lastAnswer.put(key, now);
      return Future.succeededFuture(new ChainDecision.Reply(List.of(new JsonObject().put("text", rule.reply())), rule.stop()));
    }
    return Future.succeededFuture(ChainDecision.CONTINUE);
  }
}
