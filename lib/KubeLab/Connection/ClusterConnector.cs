using k8s;
using k8s.KubeConfigModels;

namespace KubeLab.Connection;

/// <summary>A connected, guarded client and a label saying which kind of cluster it is (for display only).</summary>
internal sealed record ClusterConnection(LabKubernetes Client, string Context, string Server, string Flavor, string Version);

/// <summary>
/// Picks the cluster: explicit context (option or KUBELAB_CONTEXT) → kind-k8s-course when the kubeconfig has it → embedded
/// simulator when it has not. A kind context that is present but does not answer is an error, never a silent switch to the
/// simulator (the learner expects kind; a notebook that ran half on kind and half on the simulator would mislead). The
/// context name "kubelab-sim" that is in no kubeconfig asks for the embedded simulator explicitly.
/// The guard runs before any request is sent.
/// </summary>
internal static class ClusterConnector
{
    public const string KindContext = "kind-k8s-course";
    public const string ContextEnvironmentVariable = "KUBELAB_CONTEXT";
    private static readonly TimeSpan KindProbeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ExplicitProbeTimeout = TimeSpan.FromSeconds(10);

    public static async Task<ClusterConnection> ConnectAsync(LabOptions options, CancellationToken ct)
    {
        var paths = KubeconfigFiles.Paths(options);
        var explicitContext = options.Context ?? NullIfEmpty(Environment.GetEnvironmentVariable(ContextEnvironmentVariable));

        if (explicitContext == ContextGuard.SimulatorContext && !KubeconfigFiles.ContextNames(KubeconfigFiles.TryLoad(paths)).Contains(explicitContext))
            return await ConnectToEmbeddedSimulatorAsync(ct).ConfigureAwait(false);

        if (explicitContext is not null)
        {
            var config = KubeconfigFiles.TryLoad(paths)
                ?? throw new KubeconfigException(
                    $"Kube context \"{explicitContext}\" was requested but no kubeconfig exists at {string.Join(", ", paths)}.\n" +
                    "  Hint: run `kubelab up` to create the course cluster, set KUBECONFIG, or omit the context to use the embedded simulator.");
            var names = KubeconfigFiles.ContextNames(config);
            if (!names.Contains(explicitContext))
                throw new KubeconfigException(
                    $"Kube context \"{explicitContext}\" is not in {string.Join(", ", paths)}. Contexts that exist: " +
                    (names.Count == 0 ? "(none)" : string.Join(", ", names)) + ".\n" +
                    "  Hint: pick one of those, run `kubelab up`, or omit the context to use the embedded simulator.");
            var server = KubeconfigFiles.ServerOf(config, explicitContext) ?? "?";
            ContextGuard.Ensure(explicitContext, server, options);
            var client = Build(config, explicitContext);
            var version = await ProbeAsync(client, ExplicitProbeTimeout, ct).ConfigureAwait(false);
            if (version.Error is not null)
            {
                client.Dispose();
                throw Unreachable(explicitContext, server, version.Error);
            }
            return new ClusterConnection(client, explicitContext, server, FlavorOf(explicitContext), version.GitVersion!);
        }

        // No explicit choice: the course's kind cluster if `kubelab up` made one, else the embedded simulator.
        var kubeconfig = KubeconfigFiles.TryLoad(paths);
        if (kubeconfig is not null && KubeconfigFiles.ContextNames(kubeconfig).Contains(KindContext))
        {
            var client = Build(kubeconfig, KindContext);
            var server = KubeconfigFiles.ServerOf(kubeconfig, KindContext) ?? "?";
            var version = await ProbeAsync(client, KindProbeTimeout, ct).ConfigureAwait(false);
            if (version.Error is null)
                return new ClusterConnection(client, KindContext, server, "kind", version.GitVersion!);
            client.Dispose();
            throw KindDown(server, string.Join(", ", paths), version.Error);
        }
        return await ConnectToEmbeddedSimulatorAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The kind context exists, so kind is what the learner set up: say how to bring it back or how to choose the simulator.</summary>
    internal static ClusterUnreachableException KindDown(string server, string kubeconfig, Exception cause)
        => new(KindContext, server,
            $"The course's kind cluster (context \"{KindContext}\" in {kubeconfig}) does not answer at {server}: {Describe(cause)}\n" +
            "  Hint: start Docker (kind's nodes are its containers; after a restart `docker start k8s-course-control-plane k8s-course-worker " +
            "k8s-course-worker2`), or run `kubelab up`, then run this cell again.\n" +
            $"  To use the built-in simulator instead, set {ContextEnvironmentVariable}={ContextGuard.SimulatorContext} (or pass " +
            $"new LabOptions {{ Context = \"{ContextGuard.SimulatorContext}\" }}); `kind delete cluster --name k8s-course` removes the kind context for good.",
            cause);

    private static async Task<ClusterConnection> ConnectToEmbeddedSimulatorAsync(CancellationToken ct)
    {
        var sim = await EmbeddedSimulator.GetAsync(ct).ConfigureAwait(false);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(sim.KubeconfigYaml));
        var config = KubernetesClientConfiguration.LoadKubeConfig(stream);
        var client = Build(config, ContextGuard.SimulatorContext);
        var version = await ProbeAsync(client, ExplicitProbeTimeout, ct).ConfigureAwait(false);
        if (version.Error is not null) throw Unreachable(ContextGuard.SimulatorContext, sim.Url.ToString(), version.Error);
        return new ClusterConnection(client, ContextGuard.SimulatorContext, sim.Url.ToString().TrimEnd('/'), "embedded simulator", version.GitVersion!);
    }

    private static LabKubernetes Build(K8SConfiguration config, string context)
    {
        try
        {
            return new LabKubernetes(KubernetesClientConfiguration.BuildConfigFromConfigObject(config, context));
        }
        catch (Exception e) when (e is not KubeLabException)
        {
            throw new KubeconfigException($"Kube context \"{context}\" could not be used: {e.Message}", e);
        }
    }

    private static async Task<(string? GitVersion, Exception? Error)> ProbeAsync(LabKubernetes client, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            var info = await client.Version.GetCodeAsync(cts.Token).ConfigureAwait(false);
            return (info.GitVersion, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, new TimeoutException($"no answer from /version within {timeout.TotalSeconds:0}s"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, e);
        }
    }

    private static ClusterUnreachableException Unreachable(string context, string server, Exception cause)
        => new(context, server,
            $"Cannot reach the cluster of kube context \"{context}\" at {server}: {Describe(cause)}\n" +
            "  Hint: start the course cluster with `kubelab up` (kind), or omit the context (and KUBELAB_CONTEXT) to run against the embedded simulator.",
            cause);

    private static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return inner == e ? e.Message : $"{e.Message} ({inner.Message})";
    }

    internal static string FlavorOf(string context)
        => context == ContextGuard.SimulatorContext ? "KubeLab simulator"
            : context.StartsWith("kind-", StringComparison.Ordinal) ? "kind" : "other cluster";

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
