package org.seqrec.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.HtmlFormatter;

/**
 * The arguments of every entry point of the project (the job, the demo, the replay, the topic printer, the
 * benchmarks): {@code --key value} or {@code --key=value}, each key one of the program's options or under
 * one of its open prefixes (the job's {@code kafka.client.*}). A boolean option given without a value is
 * true. Unknown keys, missing values and values that do not read as their option's type are refused with
 * a message that lists the known options. Options are Flink's {@link ConfigOption}s, and values are read
 * through Flink's {@link Configuration}, so durations, sizes and numbers parse as everywhere in Flink.
 */
public final class CommandLine {

    private final String program;
    private final List<ConfigOption<?>> options;
    private final List<String> openPrefixes;

    private CommandLine(String program, List<ConfigOption<?>> options, List<String> openPrefixes) {
        this.program = program;
        this.options = List.copyOf(options);
        this.openPrefixes = List.copyOf(openPrefixes);
    }

    /** The command line of {@code program} (named in messages), which knows exactly these options. */
    public static CommandLine of(String program, List<ConfigOption<?>> options) {
        return new CommandLine(program, options, List.of());
    }

    /** The same command line, also accepting every key that starts with {@code prefix}. */
    public CommandLine withOpenPrefix(String prefix) {
        List<String> prefixes = new ArrayList<>(openPrefixes);
        prefixes.add(prefix);
        return new CommandLine(program, options, prefixes);
    }

    /**
     * The arguments as keys and values, in their order; a key given twice keeps its last value.
     *
     * @throws IllegalArgumentException naming every problem and the known options
     */
    public Map<String, String> parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                problems.add("expected --key value or --key=value, got '" + arg + "'");
                continue;
            }
            int eq = arg.indexOf('=');
            String key = eq >= 0 ? arg.substring(2, eq) : arg.substring(2);
            Optional<ConfigOption<?>> option = option(key);
            if (option.isEmpty() && openPrefixes.stream().noneMatch(key::startsWith)) {
                problems.add("unknown option --" + key);
                if (eq < 0 && i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    i++;
                }
                continue;
            }
            if (eq >= 0) {
                values.put(key, arg.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(key, args[++i]);
            } else if (option.isPresent() && isFlag(option.get())) {
                values.put(key, "true");
            } else {
                problems.add("--" + key + " needs a value");
            }
        }
        Configuration configuration = Configuration.fromMap(values);
        for (ConfigOption<?> option : options) {
            if (values.containsKey(option.key())) {
                try {
                    configuration.get(option);
                } catch (RuntimeException e) {
                    problems.add("--" + option.key() + " '" + values.get(option.key()) + "' does not read as "
                            + typeOf(option) + " (" + e.getMessage() + ")");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(program + ": " + String.join("; ", problems) + "\n" + usage());
        }
        return values;
    }

    /** The arguments read through Flink's {@link Configuration}: {@code get(option)} gives typed values. */
    public Configuration configuration(String... args) {
        return Configuration.fromMap(parse(args));
    }

    /**
     * For a {@code main} method: the arguments with every required option set, or the problem and the usage
     * on standard error and exit status 2.
     */
    public Map<String, String> parseOrExit(List<ConfigOption<?>> required, String... args) {
        try {
            Map<String, String> values = parse(args);
            List<String> missing = required.stream().filter(o -> !values.containsKey(o.key()))
                    .map(o -> "--" + o.key()).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(program + ": " + String.join(", ", missing) + " required\n" + usage());
            }
            return values;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            throw e;
        }
    }

    /** {@link #parseOrExit} read through Flink's {@link Configuration}. */
    public Configuration configurationOrExit(List<ConfigOption<?>> required, String... args) {
        return Configuration.fromMap(parseOrExit(required, args));
    }

    /** One line per known option: key, default and description. */
    public String usage() {
        String prefixes = openPrefixes.stream().map(p -> "\n  --" + p + "<key> VALUE")
                .collect(Collectors.joining());
        return "usage: " + program + " [--key value | --key=value ...], known options:"
                + options.stream().map(CommandLine::describe).collect(Collectors.joining()) + prefixes;
    }

    private Optional<ConfigOption<?>> option(String key) {
        return options.stream().filter(o -> o.key().equals(key)).findFirst();
    }

    private static boolean isFlag(ConfigOption<?> option) {
        return option.hasDefaultValue() && option.defaultValue() instanceof Boolean;
    }

    private static String typeOf(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "a value";
        }
        Object value = option.defaultValue();
        if (value instanceof Enum<?> constant) {
            return "one of " + Arrays.stream(constant.getDeclaringClass().getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        return "a " + value.getClass().getSimpleName();
    }

    private static String describe(ConfigOption<?> option) {
        String value = option.hasDefaultValue() ? " (default " + option.defaultValue() + ")" : "";
        String description = new HtmlFormatter().format(option.description());
        return "\n  --" + option.key() + value + (description.isEmpty() ? "" : ": " + description);
    }
}
