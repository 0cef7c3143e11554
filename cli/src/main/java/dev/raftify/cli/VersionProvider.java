package dev.raftify.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version recorded in the jar manifest, or "development" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = RaftifyCli.class.getPackage().getImplementationVersion();
        return new String[] {
            "raftify-cli " + (version == null ? "development build" : version),
            "JVM: ${java.version} (${java.vendor} ${java.vm.name} ${java.vm.version})",
        };
    }
}
