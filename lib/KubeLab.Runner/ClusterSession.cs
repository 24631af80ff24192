using KubeLab.Simulator;

namespace KubeLab.Runner;

/// <summary>The cluster a batch of notebooks runs against, announced to them the way <c>Lab.StartAsync</c> reads it:
/// env <c>KUBECONFIG</c> and <c>KUBELAB_CONTEXT</c>. For the simulator it owns ONE <see cref="SimulatedCluster"/> for the whole run.
/// Disposing stops the simulator and restores the previous environment.</summary>
public sealed class ClusterSession : IAsyncDisposable
{
    public const string KubeconfigVariable = "KUBECONFIG";
    public const string ContextVariable = "KUBELAB_CONTEXT";

    private readonly SimulatedCluster? _simulator;
    private readonly double _initialClockSpeed;
    private readonly string? _previousKubeconfig = Environment.GetEnvironmentVariable(KubeconfigVariable);
    private readonly string? _previousContext = Environment.GetEnvironmentVariable(ContextVariable);

    private ClusterSession(ClusterChoice kind, string context, string kubeconfigPath, Uri? server, SimulatedCluster? simulator)
    {
        _initialClockSpeed = simulator?.Clock.Speed ?? 1;
        Kind = kind;
        Context = context;
        KubeconfigPath = kubeconfigPath;
        Server = server;
        _simulator = simulator;
        Environment.SetEnvironmentVariable(KubeconfigVariable, kubeconfigPath);
        Environment.SetEnvironmentVariable(ContextVariable, context);
    }

    /// <summary><see cref="ClusterChoice.Kind"/> or <see cref="ClusterChoice.Sim"/> – never Auto.</summary>
    public ClusterChoice Kind { get; }
    /// <summary>Short label for reports: "kind" or "sim".</summary>
    public string Label => Kind == ClusterChoice.Kind ? "kind" : "sim";
    public string Context { get; }
    public string KubeconfigPath { get; }
    /// <summary>API server URL when known (the simulator's).</summary>
    public Uri? Server { get; }
    /// <summary>Why <see cref="ClusterChoice.Auto"/> chose the simulator (print it on stderr), or null when nothing was chosen for the user.</summary>
    public string? Notice { get; private set; }

    /// <summary>The in-process simulator, or null for kind.</summary>
    public SimulatedCluster? Simulator => _simulator;

    /// <summary>Starts the embedded simulator and writes its kubeconfig (context <c>kubelab-sim</c>) to <paramref name="kubeconfigPath"/>.
    /// <paramref name="clockSpeed"/> is the simulated clock's initial speed (notebooks may change it through <c>lab.Clock</c>). Like the
    /// course's kind cluster it maps host port 30080 to node port 30080 (held only while a Service uses that node port).</summary>
    public static Task<ClusterSession> StartSimulatorAsync(string kubeconfigPath, int port = 0, double clockSpeed = 1, CancellationToken ct = default)
        => StartSimulatorAsync(kubeconfigPath, port, clockSpeed, SimulatorOptions.KindExtraPortMappings, ct);

    /// <summary>As above, with kind's extraPortMappings served on the host (<c>kubelab sim</c> maps 30080 like environment/kind-cluster.yaml).</summary>
    public static async Task<ClusterSession> StartSimulatorAsync(string kubeconfigPath, int port, double clockSpeed, IReadOnlyList<HostPortMapping> hostPorts, CancellationToken ct = default)
    {
        kubeconfigPath = Path.GetFullPath(kubeconfigPath);
        var simulator = await SimulatedCluster.StartAsync(new SimulatorOptions
        {
            Port = port, ClockSpeed = clockSpeed, HostPortMappings = hostPorts,
            EncryptionConfigurationPath = SimulatorOptions.FindCourseEncryptionConfiguration(), // as kind's API server (environment/kind-cluster.yaml)
        }, ct);
        try
        {
            simulator.WriteKubeconfig(kubeconfigPath);
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
        return new ClusterSession(ClusterChoice.Sim, SimulatedCluster.ContextName, kubeconfigPath, simulator.Url, simulator);
    }

    /// <summary>Uses the kind cluster's context from <paramref name="kubeconfigPath"/> (default: the user's kubeconfig).</summary>
    public static async Task<ClusterSession> UseKindAsync(string? kubeconfigPath = null, CancellationToken ct = default)
    {
        kubeconfigPath = Path.GetFullPath(kubeconfigPath ?? KindCluster.DefaultKubeconfigPath());
        if (!await KindCluster.IsReachableAsync(kubeconfigPath, TimeSpan.FromSeconds(5), ct))
            throw new ClusterUnavailableException(await KindCluster.HasContextAsync(kubeconfigPath)
                ? $"--cluster kind: the kind cluster (context {KindCluster.ContextName} in {kubeconfigPath}) does not answer within 5 s. " +
                  "Start Docker (kind's nodes are its containers) or run `kubelab up`, or run with `--cluster sim` to use the simulator."
                : $"--cluster kind: there is no kind cluster (context {KindCluster.ContextName} is not in {kubeconfigPath}). " +
                  "Create it with `kubelab up`, or run with `--cluster sim` to use the simulator.");
        return new ClusterSession(ClusterChoice.Kind, KindCluster.ContextName, kubeconfigPath, null, null);
    }

    /// <summary>Resolves <paramref name="choice"/>: Auto takes kind when its context answers within ~2 s, else the simulator,
    /// whose kubeconfig is written to <c>&lt;outputDirectory&gt;/kubeconfig-sim.yaml</c>.</summary>
    public static Task<ClusterSession> OpenAsync(ClusterChoice choice, string outputDirectory, CancellationToken ct = default)
        => OpenAsync(choice, outputDirectory, 1, ct);

    /// <summary>As <see cref="OpenAsync(ClusterChoice, string, CancellationToken)"/>; a simulator starts with its clock at
    /// <paramref name="clockSpeed"/>× (kind's clock is real time and ignores it).</summary>
    public static Task<ClusterSession> OpenAsync(ClusterChoice choice, string outputDirectory, double clockSpeed, CancellationToken ct = default)
        => OpenAsync(choice, Path.Combine(outputDirectory, "kubeconfig-sim.yaml"), clockSpeed, null, ct);

    /// <summary>As above with the simulator's kubeconfig at <paramref name="simKubeconfig"/> (a run with several lanes gives each
    /// its own) and, when the caller already resolved Auto, the notice it printed.</summary>
    public static async Task<ClusterSession> OpenAsync(ClusterChoice choice, string simKubeconfig, double clockSpeed, string? notice, CancellationToken ct)
    {
        if (choice == ClusterChoice.Auto)
            (choice, notice) = await ChooseAsync(choice, ct);
        if (choice == ClusterChoice.Kind)
            return await UseKindAsync(ct: ct);
        var session = await StartSimulatorAsync(simKubeconfig, clockSpeed: clockSpeed, ct: ct);
        session.Notice = notice;
        return session;
    }

    /// <summary>Resolves Auto without starting anything: kind when its context answers within <see cref="AutoProbeTimeout"/>,
    /// else Sim with the notice that says why. Kind and Sim come back unchanged (kind's reachability is checked when it is used).</summary>
    public static async Task<(ClusterChoice Choice, string? Notice)> ChooseAsync(ClusterChoice choice, CancellationToken ct = default)
    {
        if (choice != ClusterChoice.Auto) return (choice, null);
        var userKubeconfig = Path.GetFullPath(KindCluster.DefaultKubeconfigPath());
        if (await KindCluster.IsReachableAsync(userKubeconfig, AutoProbeTimeout, ct))
            return (ClusterChoice.Kind, null);
        return (ClusterChoice.Sim, await KindCluster.HasContextAsync(userKubeconfig)
            ? $"warning: --cluster auto: the kind cluster (context {KindCluster.ContextName} in {userKubeconfig}) did not answer within " +
              $"{AutoProbeTimeout.TotalSeconds:0} s, so this run uses the built-in simulator. Start Docker or run `kubelab up`; " +
              "pass --cluster kind to require kind."
            : $"--cluster auto: no kind cluster (context {KindCluster.ContextName} is not in {userKubeconfig}), so this run uses the " +
              "built-in simulator. `kubelab up` creates the kind cluster.");
    }

    /// <summary>How long --cluster auto waits for kind's /version before choosing the simulator.</summary>
    public static readonly TimeSpan AutoProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Called before each notebook: a notebook that failed half-way may have left the shared simulator's clock fast
    /// (chapters raise it for CronJob minutes and HPA windows); the next notebook must start at the run's own speed.</summary>
    public void PrepareForNextNotebook() => _simulator?.Clock.SetSpeed(_initialClockSpeed);

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable(KubeconfigVariable, _previousKubeconfig);
        Environment.SetEnvironmentVariable(ContextVariable, _previousContext);
        if (_simulator is not null)
            await _simulator.DisposeAsync();
    }
}

/// <summary>The requested cluster cannot be used; the message says what to do.</summary>
public sealed class ClusterUnavailableException(string message) : Exception(message);
