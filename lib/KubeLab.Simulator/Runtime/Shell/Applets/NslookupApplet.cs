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
/// Only the cluster DNS (10.96.0.10) is modelled; any other server knows no names.
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
        foreach (var aaaa in new[] { false, true })
            foreach (var fqdn in names)
            {
                var answer = dns?.Query(fqdn);
                if (answer is null)
                {
                    output.Append($"** server can't find {fqdn}: NXDOMAIN\n");
                    failed = true;
                }
                else if (!aaaa)
                {
                    foreach (var ip in answer) output.Append($"Name:\t{fqdn}\nAddress: {ip}\n");
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
