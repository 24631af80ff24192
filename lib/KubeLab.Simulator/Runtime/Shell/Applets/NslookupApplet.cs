using System.Text;
using KubeLab.Simulator.Network.Dns;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>
/// busybox 1.36 nslookup (networking/nslookup.c, FEATURE_NSLOOKUP_BIG: its own DNS client, not libc). It sends an A and an
/// AAAA query for the name to the first nameserver of /etc/resolv.conf (127.0.0.1 without one) and prints
/// "Server:\t\t&lt;dns&gt;" / "Address:\t&lt;dns&gt;:53", then one block per reply, each followed by an empty line:
/// "Name:\t…" / "Address: …" per A record (CoreDNS answers the cluster zone authoritatively, so no "Non-authoritative answer:"),
/// nothing for the empty AAAA answer, "** server can't find NAME: NXDOMAIN" for a name that does not exist.
/// Search domains (add_query_with_search): only a name WITHOUT a dot is tried under each search domain of resolv.conf; a
/// name with a dot (<c>web-0.web</c>) is asked as given – unlike libc's ndots rule – so in a pod it needs the full name.
/// Replies are printed in query order here (busybox prints them as they arrive). Exit status 1 as soon as one query got
/// NXDOMAIN (G.exitcode), even if another found the name – so a bare name tried under three search domains exits 1.
/// CNAME records (ExternalName Services) print as "NAME\tcanonical name = TARGET" before the target's addresses; <c>-type=srv</c>
/// prints "NAME\tservice = PRIORITY WEIGHT PORT TARGET" lines. Only the cluster DNS (10.96.0.10) is modelled; any other server knows no names.
/// </summary>
public sealed class NslookupApplet : Applet
{
    public override string Name => "nslookup";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var operands = call.Args.Where(a => !a.StartsWith('-')).ToList();
        if (operands.Count == 0)
        {
            await call.Process.Stderr.WriteAsync("BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n", call.Kill);
            return 1;
        }
        var (servers, search) = ReadResolvConf(call);
        var name = operands[0];
        var server = operands.Count > 1 ? operands[1] : servers.FirstOrDefault() ?? "127.0.0.1";
        var names = name.Contains('.') || search.Count == 0 ? [name.TrimEnd('.')] : search.Select(d => $"{name}.{d}").ToList();
        var dns = server == ClusterDns.ServiceIp ? call.Process.Network.Dns : null;

        var output = new StringBuilder();
        output.Append($"Server:\t\t{server}\nAddress:\t{server}:53\n\n");
        var failed = false;
        // -type=/-query= (busybox accepts both, any case): A queries also send AAAA; SRV and CNAME are asked alone.
        var typeArg = call.Args.FirstOrDefault(a => a.StartsWith("-type=", StringComparison.OrdinalIgnoreCase) || a.StartsWith("-query=", StringComparison.OrdinalIgnoreCase));
        var type = typeArg?[(typeArg.IndexOf('=') + 1)..].ToUpperInvariant() switch { "SRV" => DnsType.Srv, "CNAME" => DnsType.Cname, _ => DnsType.A };
        foreach (var aaaa in type == DnsType.A ? new[] { false, true } : [false])
            foreach (var fqdn in names)
            {
                var answer = dns?.Ask(fqdn, type == DnsType.Cname ? DnsType.A : type) ?? DnsAnswer.NotFound;
                if (answer.NxDomain)
                {
                    output.Append($"** server can't find {fqdn}: NXDOMAIN\n");
                    failed = true;
                }
                else
                {
                    // parse_reply prints each answer record: "NAME\tcanonical name = TARGET", "NAME\tservice = PRIO WEIGHT PORT TARGET",
                    // "Name:\tNAME" / "Address: IP"; an AAAA reply carries the CNAMEs only (no IPv6 addresses on kind).
                    foreach (var r in answer.Records)
                        output.Append(r.Type switch
                        {
                            DnsType.Cname => $"{r.Name}\tcanonical name = {r.Data}\n",
                            DnsType.Srv => $"{r.Name}\tservice = {r.Data}\n",
                            _ => aaaa || type == DnsType.Cname ? "" : $"Name:\t{r.Name}\nAddress: {r.Data}\n",
                        });
                }
                output.Append('\n'); // an AAAA query of an existing name gets an empty answer: only this line
            }
        await call.Out(output.ToString());
        return failed ? 1 : 0;
    }

    /// <summary>The nameserver and search lines of /etc/resolv.conf (busybox parse_resolvconf: a search line wins over domain).</summary>
    private static (List<string> Servers, List<string> Search) ReadResolvConf(AppletCall call)
    {
        var servers = new List<string>();
        var search = new List<string>();
        var sawSearch = false;
        try
        {
            foreach (var line in call.Files.ReadAllText("/etc/resolv.conf").Split('\n'))
            {
                var p = line.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (p is ["nameserver", var s, ..]) servers.Add(s);
                else if (p is ["search", ..]) (search, sawSearch) = (p.Skip(1).ToList(), true);
                else if (p is ["domain", ..] && !sawSearch) search = p.Skip(1).ToList();
            }
        }
        catch (FileSystemException) { }
        return (servers, search);
    }
}
