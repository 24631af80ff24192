using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// The probes of one container instance and what they concluded, as the kubelet's probe manager reports them into the
/// container status (pkg/kubelet/prober/prober_manager.go UpdatePodStatus): <see cref="Started"/> is true at once without
/// a startup probe, else after it succeeded; <see cref="Ready"/> needs Started and – with a readiness probe – its
/// success (readiness starts as failure, liveness and startup as success). Dispose when the instance ends.
/// </summary>
public sealed class ContainerProbes : IAsyncDisposable
{
    private readonly ProbeManager manager;
    private readonly ProbeCallbacks callbacks;
    private readonly CancellationTokenSource stop = new();
    private readonly object gate = new();
    private readonly List<Task> workers = [];
    private volatile bool started;
    private volatile bool ready;
    private volatile bool disposed;
    private ProbeResult readiness = ProbeResult.Failure;

    internal ContainerProbes(ProbeManager manager, ProbedContainer container, ProbeCallbacks callbacks, ProbeRunner runner, TimeProvider time)
    {
        this.manager = manager;
        this.callbacks = callbacks;
        Container = container;
        var spec = container.Spec;
        started = spec.StartupProbe is null;
        ready = started && spec.ReadinessProbe is null;
        foreach (var (type, probe) in new (ProbeType, V1Probe?)[]
                 { (ProbeType.Startup, spec.StartupProbe), (ProbeType.Readiness, spec.ReadinessProbe), (ProbeType.Liveness, spec.LivenessProbe) })
        {
            if (probe is null) continue;
            var worker = new ProbeWorker(this, type, probe, runner, time);
            workers.Add(Task.Run(() => worker.RunAsync(stop.Token)));
        }
    }

    public ProbedContainer Container { get; }

    /// <summary>containerStatuses[].started.</summary>
    public bool Started => started;

    /// <summary>containerStatuses[].ready.</summary>
    public bool Ready => ready;

    internal bool Disposed => disposed;

    /// <summary>A result that passed its threshold. Returns false when the reporting worker should stop.</summary>
    internal bool Report(ProbeType type, ProbeResult result)
    {
        lock (gate)
        {
            if (disposed) return false;
            switch (type)
            {
                case ProbeType.Startup when result == ProbeResult.Success:
                    started = true;
                    callbacks.StartedChanged?.Invoke(true);
                    UpdateReady();
                    return false; // the startup probe is done for this container
                case ProbeType.Readiness:
                    readiness = result;
                    UpdateReady();
                    return true;
                case ProbeType.Liveness when result == ProbeResult.Success:
                    return true;
                default: // liveness or startup failed past failureThreshold
                    var probe = type == ProbeType.Liveness ? Container.Spec.LivenessProbe! : Container.Spec.StartupProbe!;
                    var kill = ProbeKill.For(type, probe, manager.Pod, Container.Spec);
                    manager.Record(Container.FieldPath, "Normal", "Killing", kill.Message);
                    callbacks.LivenessFailed?.Invoke(kill);
                    return false; // on hold until the next container instance
            }
        }
    }

    private void UpdateReady()
    {
        var now = started && (Container.Spec.ReadinessProbe is null || readiness == ProbeResult.Success);
        if (now == ready) return;
        ready = now;
        callbacks.ReadinessChanged?.Invoke(now);
    }

    /// <summary>Stops every probe of this instance; no callback runs afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
        }
        await stop.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(workers).ConfigureAwait(false); } catch (OperationCanceledException) { }
        stop.Dispose();
    }
}
