package dev.codi.protocol.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.net.URL;
import java.util.Locale;

/**
 * Configures logback for every codi process: the human format by default, JSON lines (logback's
 * own {@code JsonEncoder}) with {@value #FORMAT_VARIABLE}{@code =json}. Found by logback through
 * {@code ServiceLoader}. Logback runs the configurators it finds so before its own file lookup, and
 * this one ends the search: a {@code logback.xml} or {@code logback-test.xml} on the classpath is
 * not read. No codi jar ships one, and so no start warns about duplicate configurations.
 */
@ConfiguratorRank(ConfiguratorRank.NOMINAL - 5)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    public static final String FORMAT_VARIABLE = "CODI_LOG_FORMAT";
    public static final String LEVEL_VARIABLE = "CODI_LOG_LEVEL";

    /** The log formats {@value #FORMAT_VARIABLE} chooses from. */
    public enum Format { TEXT, JSON }

    public static Format format(String value) {
        if (value == null || value.isBlank()) {
            return Format.TEXT;
        }
        try {
            return Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FORMAT_VARIABLE + " must be text or json, not '" + value + "'");
        }
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Format format;
        try {
            format = format(System.getenv(FORMAT_VARIABLE));
        } catch (IllegalArgumentException e) {
            addError(e.getMessage());
            format = Format.TEXT;
        }
        URL config = LogConfigurator.class.getResource(format.name().toLowerCase(Locale.ROOT) + ".xml");
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        try {
            joran.doConfigure(config);
        } catch (JoranException e) {
            addError("could not read " + config, e);
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
