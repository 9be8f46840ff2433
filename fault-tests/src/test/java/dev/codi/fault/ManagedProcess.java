package dev.codi.fault;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of the system under test, started the way deploy/local starts it, killed for real
 * ({@code SIGKILL}: no shutdown hook, no clean close), and restarted by a supervisor the way a
 * process manager would, unless the test stopped it on purpose.
 */
final class ManagedProcess {
    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;
    private volatile boolean supervised = true;
    private int starts;

    ManagedProcess(String name, List<String> command, Map<String, String> environment, Path logDirectory) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = new HashMap<>(environment);
        this.log = logDirectory.resolve(name + ".log");
    }

    String name() {
        return name;
    }

    Map<String, String> environment() {
        return environment;
    }

    synchronized void start() {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            starts++;
            supervised = true;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** SIGKILL, then wait for the process to be gone; the supervisor restarts it. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor();
        }
    }

    /** SIGKILL and keep it down until {@link #start()}. */
    synchronized void killAndKeepDown() {
        supervised = false;
        kill();
    }

    /** SIGTERM, wait, and keep it down. */
    synchronized void stop() {
        supervised = false;
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Restarts the process if it died on its own (or by a kill) while supervised; true if it did. */
    synchronized boolean reviveIfDead() {
        if (supervised && process != null && !process.isAlive()) {
            start();
            return true;
        }
        return false;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return process.pid();
    }

    synchronized int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    private void waitFor() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code java} of this JVM, with the classpath and a main class or a jar. */
    static List<String> java(List<String> jvmOptions, String classpath, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }

    static String classpath() {
        return System.getProperty("java.class.path");
    }

    static String pathOf(File file) {
        return file.getAbsolutePath();
    }
}
