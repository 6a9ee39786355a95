package org.seqrec.testing;

import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything this JVM logs at INFO or above while open (Flink, Kafka clients, the job), as text, as a
 * production log at INFO would hold it; loggers the test configuration sets to a level of their own keep
 * it. The console goes on showing only what it showed before (the root logger's WARN).
 */
public final class LogCapture implements AutoCloseable {

    private final StringBuffer text = new StringBuffer();
    private final LoggerContext context = LoggerContext.getContext(false);
    private final LoggerConfig root = context.getConfiguration().getRootLogger();
    private final Level rootLevel = root.getLevel();
    private final Map<String, Appender> rootAppenders = root.getAppenders();
    private final Appender collector = new AbstractAppender("log-capture", null,
            PatternLayout.newBuilder().withPattern("%p %c %m%n%throwable").build(), true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            text.append(getLayout().toSerializable(event));
        }
    };

    public LogCapture() {
        collector.start();
        rootAppenders.forEach((name, appender) -> {
            root.removeAppender(name);
            root.addAppender(appender, rootLevel, null);
        });
        root.addAppender(collector, Level.INFO, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
    }

    /** What was logged so far. */
    public String text() {
        return text.toString();
    }

    @Override
    public void close() {
        root.removeAppender(collector.getName());
        rootAppenders.forEach((name, appender) -> {
            root.removeAppender(name);
            root.addAppender(appender, null, null);
        });
        root.setLevel(rootLevel);
        context.updateLoggers();
        collector.stop();
    }
}
