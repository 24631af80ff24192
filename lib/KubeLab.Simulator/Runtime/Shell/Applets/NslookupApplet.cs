using System.Text;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>
/// busybox 1.36 nslookup (networking/nslookup.c) answered by the pod's resolver (<see cref="Network.ClusterNetwork.Resolve"/>).
/// It prints "Server:\t\t&lt;dns&gt;" / "Address:\t&lt;dns&gt;:53", then one block per query (A, then AAAA, each followed by an
/// empty line): "Name:\t…" / "Address: …" for the A record and nothing for the empty AAAA answer, or
/// "** server can't find NAME: NXDOMAIN" for each when the name does not exist (status 1). The DNS server is the
/// first nameserver of /etc/resolv.conf, else kube-dns's usual 10.96.0.10. Search domains are not applied: the
/// name is looked up as given.
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
        var name = operands[0].TrimEnd('.');
        var server = operands.Count > 1 ? operands[1] : Nameserver(call) ?? "10.96.0.10";
        var output = new StringBuilder();
        output.Append($"Server:\t\t{server}\nAddress:\t{server}:53\n\n");
        var ip = call.Process.Network.Resolve(call.Process.Sandbox, name);
        int status;
        if (ip is null)
        {
            output.Append($"** server can't find {name}: NXDOMAIN\n\n");
            output.Append($"** server can't find {name}: NXDOMAIN\n\n");
            status = 1;
        }
        else
        {
            output.Append($"Name:\t{name}\nAddress: {ip}\n\n");
            output.Append('\n'); // the AAAA query's empty (authoritative) answer
            status = 0;
        }
        await call.Out(output.ToString());
        return status;
    }

    private static string? Nameserver(AppletCall call)
    {
        try
        {
            return call.Files.ReadAllText("/etc/resolv.conf").Split('\n')
                .Select(l => l.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Where(p => p is ["nameserver", _, ..])
                .Select(p => p[1]).FirstOrDefault();
        }
        catch (FileSystemException) { return null; }
    }
}
