
namespace KubeLab;

/// <summary>Name resolution as a pod sees it.</summary>
public sealed partial class Lab
{
    /// <summary>
    /// Resolves <paramref name="name"/> inside <paramref name="pod"/> with <c>nslookup</c> (busybox's, or bind's in images that have
    /// it): the pod's own /etc/resolv.conf applies – the cluster DNS server (kube-dns, 10.96.0.10) and, for short names, the
    /// search list <c>&lt;ns&gt;.svc.cluster.local svc.cluster.local cluster.local</c>. The answer lists every address returned, or
    /// none (NXDOMAIN), with nslookup's own output for the reader.
    /// </summary>
    public async Task<DnsAnswer> ResolveAsync(string pod, string name, string? container = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var result = await ExecAsync(pod, ["nslookup", name], container, ct: ct).ConfigureAwait(false);
        return DnsAnswer.Parse(pod, name, result.Stdout + result.Stderr, result.ExitCode);
    }

    /// <summary>
    /// Resolves <paramref name="name"/> in <paramref name="pod"/> once a second until <paramref name="condition"/> holds (CoreDNS
    /// answers from its watch on Services and EndpointSlices, so a new Service or endpoint shows up in DNS a moment after the API has it).
    /// </summary>
    public Task<DnsAnswer> WaitForResolveAsync(string pod, string name, Func<DnsAnswer, bool> condition, string description,
        TimeSpan? timeout = null, CancellationToken ct = default)
        => Polling.UntilAsync(() => ResolveAsync(pod, name, ct: ct), condition, timeout,
            (answer, limit) => Task.FromResult(new WaitTimeoutException($"{pod} resolving {name}: {description}", limit, $"  The last answer:\n{answer.Output}")), ct);
}
