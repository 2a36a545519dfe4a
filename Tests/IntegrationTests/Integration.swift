import Testing

/// Every real-podman suite is nested in this one, so they all run one after another (they share
/// podman, the test user, /etc/hosts and the machine's two cores) while the unit tests of the
/// other targets run in parallel.
@Suite(.serialized) enum Integration {}
