namespace KubeLab.Simulator.Network.Dns;

/// <summary>The record types the cluster DNS answers (A, CNAME, SRV; AAAA always gets an empty answer on kind's IPv4 cluster).</summary>
public enum DnsType { A, Cname, Srv }

/// <summary>
/// One resource record: an A's address, a CNAME's target, or an SRV's "priority weight port target" (as busybox prints it).
/// </summary>
public sealed record DnsRecord(string Name, DnsType Type, string Data);

/// <summary>A reply: its answer records and whether the name does not exist (rcode NXDOMAIN).</summary>
public sealed record DnsAnswer(IReadOnlyList<DnsRecord> Records, bool NxDomain)
{
    public static DnsAnswer NotFound { get; } = new([], true);

    /// <summary>The addresses of the A records (after any CNAME), or null for NXDOMAIN / no address.</summary>
    public IReadOnlyList<string>? Addresses =>
        !NxDomain && Records.Where(r => r.Type == DnsType.A).Select(r => r.Data).ToList() is { Count: > 0 } a ? a : null;
}
