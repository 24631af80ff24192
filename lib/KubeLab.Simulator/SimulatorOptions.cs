namespace KubeLab.Simulator;

/// <summary>Options for <see cref="SimulatedCluster.StartAsync"/>.</summary>
public sealed record SimulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; init; } = 0;

    /// <summary>
    /// The real clock beneath the cluster's clock (a fake TimeProvider makes tests deterministic). The cluster runs on a
    /// <see cref="Clock.SimulatedClock"/> on top of it, <see cref="ClockSpeed"/> times faster.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Simulated seconds per real second (default 1, at most 1000). Timestamps, controller and kubelet delays all follow it;
    /// it can be changed while running through <c>PUT /kubelab/v1/clock</c> or <see cref="SimulatedCluster.Clock"/>.
    /// </summary>
    public double ClockSpeed { get; init; } = 1;

    /// <summary>
    /// Worker nodes besides the control plane: k8s-course-worker, k8s-course-worker2, … as kind names them (default 2, like
    /// environment/kind-cluster.yaml; at most 250). Each takes 110 pods, so benchmarks with many replicas ask for more.
    /// </summary>
    public int WorkerNodes { get; init; } = 2;

    /// <summary>
    /// Whether cloud-provider-kind runs beside the cluster (default on, as <c>kubelab up</c> starts it): LoadBalancer Services get
    /// an address on the kind network. Off, their EXTERNAL-IP stays &lt;pending&gt;, as on kind without it.
    /// </summary>
    public bool LoadBalancers { get; init; } = true;

    /// <summary>
    /// Whether the cluster starts with kubeadm's CoreDNS Deployment (2 pods in kube-system, as kind has them; default on).
    /// Name resolution works either way (Network/Dns answers); benchmarks that count every pod may leave them out.
    /// </summary>
    public bool CoreDnsPods { get; init; } = true;

    /// <summary>
    /// kube-apiserver's <c>--encryption-provider-config</c>: an apiserver.config.k8s.io/v1 EncryptionConfiguration file (identity,
    /// aescbc, aesgcm). It only changes the bytes the etcd view shows (<c>etcdctl get</c> in the etcd pod); null = none = identity.
    /// The course's sessions pass environment/encryption/encryption-config.yaml, the file kind's API server is given.
    /// </summary>
    public string? EncryptionConfigurationPath { get; init; }

    /// <summary>
    /// kind's extraPortMappings: real TCP ports on 127.0.0.1 forwarded to a node port of the control-plane node (empty by
    /// default so parallel clusters do not clash; the notebooks' embedded simulator and <c>kubelab sim</c> map 30080 → 30080).
    /// </summary>
    public IReadOnlyList<HostPortMapping> HostPortMappings { get; init; } = [];

    /// <summary>environment/kind-cluster.yaml's extraPortMappings: 127.0.0.1:30080 → the control plane's 30080.</summary>
    public static IReadOnlyList<HostPortMapping> KindExtraPortMappings { get; } = [new(30080, 30080)];

    /// <summary>The options the course's own simulator uses (notebooks, <c>kubelab sim</c>): defaults plus kind's port mappings and
    /// the EncryptionConfiguration kind's API server gets (<see cref="FindCourseEncryptionConfiguration"/>).</summary>
    public static SimulatorOptions Course => new() { HostPortMappings = KindExtraPortMappings, EncryptionConfigurationPath = FindCourseEncryptionConfiguration() };

    /// <summary>The course repository's environment/encryption/encryption-config.yaml, searched upwards from this assembly's folder and
    /// then from the current directory (the way the course finds environment/); null outside the repository.</summary>
    public static string? FindCourseEncryptionConfiguration()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, System.Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                var file = Path.Combine(dir.FullName, "environment", "encryption", "encryption-config.yaml");
                if (File.Exists(file) && Directory.Exists(Path.Combine(dir.FullName, "notebooks"))) return file;
            }
        return null;
    }
}

/// <summary>One extraPortMappings entry: listenAddress 127.0.0.1:<paramref name="HostPort"/> → the control-plane node's <paramref name="ContainerPort"/>.</summary>
public sealed record HostPortMapping(int HostPort, int ContainerPort);
