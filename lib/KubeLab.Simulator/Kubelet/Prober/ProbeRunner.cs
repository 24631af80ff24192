using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// Runs one probe attempt with the handler the probe names and records its event, as pkg/kubelet/prober/prober.go does:
/// a failure is a Warning <c>Unhealthy</c> "&lt;Type&gt; probe failed: &lt;output&gt;"; a warning (an unfollowed redirect)
/// is a Warning <c>ProbeWarning</c> "&lt;Type&gt; probe warning: …" and counts as success; a probe that cannot run
/// (e.g. an unknown named port) is "&lt;Type&gt; probe errored and resulted in unknown state: …" and is not counted.
/// gRPC probes are not modelled: they fail, with one Warning that says so per container and probe type.
/// </summary>
internal sealed class ProbeRunner(ProbeManager manager)
{
    public const string GrpcNotModelled = "gRPC probes are not modelled by the simulator";

    public async Task<ProbeResult> ProbeAsync(ProbeType type, V1Probe probe, ProbedContainer container, TimeSpan timeout, CancellationToken ct)
    {
        var outcome = await RunAsync(type, probe, container, timeout, ct).ConfigureAwait(false);
        var title = type.Title();
        switch (outcome.Result)
        {
            case ProbeResult.Success:
                return ProbeResult.Success;
            case ProbeResult.Warning:
                manager.Record(container.FieldPath, "Warning", "ProbeWarning", $"{title} probe warning: {outcome.Output}");
                return ProbeResult.Success;
            case ProbeResult.Failure:
                if (probe.Grpc is null || manager.FirstGrpcFailure(container.Name, type))
                    manager.Record(container.FieldPath, "Warning", "Unhealthy", $"{title} probe failed: {outcome.Output}");
                return ProbeResult.Failure;
            default:
                manager.Record(container.FieldPath, "Warning", "Unhealthy", $"{title} probe errored and resulted in unknown state: {outcome.Output}");
                return ProbeResult.Unknown;
        }
    }

    private async Task<ProbeOutcome> RunAsync(ProbeType type, V1Probe probe, ProbedContainer container, TimeSpan timeout, CancellationToken ct)
    {
        if (probe.HttpGet is { } http)
            return await manager.Http.RunAsync(http, container.Spec, container.PodIp, timeout, ct).ConfigureAwait(false);
        if (probe.TcpSocket is { } tcp)
            return manager.Tcp.Run(tcp, container.Spec, container.PodIp);
        if (probe.Exec is { } exec)
        {
            if (container.Exec is null) return ProbeOutcome.Unknown("exec probes need ProbedContainer.Exec (no way into the container was given)");
            return await manager.Exec.RunAsync(container.Exec, [.. exec.Command ?? []], timeout, ct).ConfigureAwait(false);
        }
        if (probe.Grpc is not null) return ProbeOutcome.Failure(GrpcNotModelled);
        return ProbeOutcome.Unknown($"missing probe handler for {container.Name} ({type.Lower()} probe)");
    }
}
