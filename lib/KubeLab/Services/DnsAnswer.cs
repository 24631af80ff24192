using System.Net;
using System.Text;

namespace KubeLab;

/// <summary>
/// What nslookup printed in a pod for one name: the canonical name it found (after the search list and any CNAME) and its
/// addresses. <see cref="Addresses"/> is empty for NXDOMAIN ("can't find", "NXDOMAIN"). The server's own address lines are skipped.
/// </summary>
public sealed record DnsAnswer(string Pod, string Query, IReadOnlyList<string> Names, IReadOnlyList<string> Addresses, string Output, int ExitCode)
    : IHtmlDisplayable
{
    public bool Found => Addresses.Count > 0;

    /// <summary>
    /// Both busybox and bind nslookup print the server first ("Server:" then "Address: 10.96.0.10#53" / ":53") and then, per answer,
    /// "Name: fqdn" followed by "Address: ip" lines (busybox may print "Address 1: ip name"). Only addresses after a Name line count.
    /// </summary>
    internal static DnsAnswer Parse(string pod, string query, string output, int exitCode)
    {
        var names = new List<string>();
        var addresses = new List<string>();
        var inAnswer = false;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("Name:", StringComparison.Ordinal))
            {
                inAnswer = true;
                var n = line["Name:".Length..].Trim();
                if (n.Length > 0 && !names.Contains(n)) names.Add(n);
                continue;
            }
            if (!inAnswer || !line.StartsWith("Address", StringComparison.Ordinal)) continue;
            var value = line[(line.IndexOf(':') + 1)..].Trim().Split(' ')[0];
            if (IPAddress.TryParse(value, out _) && !addresses.Contains(value)) addresses.Add(value);
        }
        return new DnsAnswer(pod, query, names, addresses, output, exitCode);
    }

    public override string ToString()
    {
        var sb = new StringBuilder($"{Pod}: nslookup {Query} → ");
        sb.Append(Found ? $"{string.Join(", ", Names)} = {string.Join(", ", Addresses)}" : "no address (NXDOMAIN)");
        return sb.ToString();
    }

    public string ToHtml() =>
        $"<div class=\"kubelab-dns\"><b>{Html.Escape($"{Pod}: nslookup {Query}")}</b> → " +
        (Found ? Html.Escape($"{string.Join(", ", Names)} = {string.Join(", ", Addresses)}") : "<span style=\"color:#b00\">no address (NXDOMAIN)</span>") +
        $"<pre style=\"margin:2px 0\">{Html.Escape(Output.TrimEnd())}</pre></div>";
}
