using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>busybox applets: output formats and error texts.</summary>
public class AppletTests
{
    private readonly ShellHarness sh = new();

    [Fact]
    public async Task Cat_reports_a_missing_file_and_goes_on()
    {
        sh.Files.WriteFile("/tmp/a", "A\n");
        var r = await sh.RunAsync(["cat", "/tmp/x", "/tmp/a"]);
        Assert.Equal((1, "A\n", "cat: can't open '/tmp/x': No such file or directory\n"), (r.Status, r.Out, r.Err));
    }

    [Fact]
    public async Task Echo_and_printf_options()
    {
        var r = await sh.ShAsync("echo -n a; echo -e 'b\\tc'; echo -x; printf '%s=%d%%\\n' cpu 42 mem 7; printf '%5s|%-3s|%03d\\n' ab c 5");
        Assert.Equal("ab\tc\n-x\ncpu=42%\nmem=7%\n   ab|c  |005\n", r.Out);
        var bad = await sh.RunAsync(["printf", "%d\\n", "abc"]);
        Assert.Equal((1, "printf: invalid number 'abc'\n"), (bad.Status, bad.Err));
    }

    [Fact]
    public async Task Ls_lists_sorted_names_and_long_format_shows_links()
    {
        sh.Files.CreateDirectory("/etc/config");
        sh.Files.WriteFile("/etc/config/..data", "");
        sh.Files.WriteFile("/etc/config/b", "12345");
        sh.Files.Symlink("..data/a", "/etc/config/a");
        var plain = await sh.RunAsync(["ls", "/etc/config"]);
        Assert.Equal("a\nb\n", plain.Out);
        var all = await sh.RunAsync(["ls", "-a", "/etc/config"]);
        Assert.Equal(".\n..\n..data\na\nb\n", all.Out);
        var longForm = await sh.RunAsync(["ls", "-l", "/etc/config"]);
        var lines = longForm.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("total ", lines[0]);
        Assert.Matches(@"^lrwxrwxrwx    1 root     root             8 \w{3} [ \d]\d \d\d:\d\d a -> \.\.data/a$", lines[1]);
        Assert.Matches(@"^-rw-r--r--    1 root     root             5 .* b$", lines[2]);
        var missing = await sh.RunAsync(["ls", "/nope"]);
        Assert.Equal((1, "ls: /nope: No such file or directory\n"), (missing.Status, missing.Err));
    }

    [Fact]
    public async Task Mkdir_touch_rm()
    {
        var r = await sh.ShAsync("mkdir -p /data/a/b && touch /data/a/b/f && ls /data/a/b; mkdir /data; rm /data; rm -r /data && ls /data; rm /nothing; rm -f /nothing");
        Assert.Equal("f\n", r.Out);
        Assert.Equal("mkdir: can't create directory '/data': File exists\nrm: '/data' is a directory\nls: /data: No such file or directory\nrm: can't remove '/nothing': No such file or directory\n", r.Err);
        Assert.Null(sh.Files.Find("/data"));
    }

    [Fact]
    public async Task Head_tail_wc_grep()
    {
        sh.Files.WriteFile("/tmp/log", string.Concat(Enumerable.Range(1, 12).Select(i => $"line {i}\n")));
        var r = await sh.ShAsync("head -n 2 /tmp/log; tail -n 2 /tmp/log; tail -n +12 /tmp/log; head -1 /tmp/log; wc -l /tmp/log; wc -l < /tmp/log; grep -c 'line 1' /tmp/log; grep -i 'LINE 7$' /tmp/log; grep -v line /tmp/log; echo $?; grep -q 'line 3' /tmp/log && echo found");
        Assert.Equal("line 1\nline 2\nline 11\nline 12\nline 12\nline 1\n12 /tmp/log\n12\n4\nline 7\n1\nfound\n", r.Out);
        var wc = await sh.ShAsync("echo one two | wc");
        Assert.Equal("        1         2         8\n", wc.Out);
    }

    [Fact]
    public async Task Env_printenv_hostname_id()
    {
        var r = await sh.ShAsync("printenv HOME; printenv NOPE; echo $?; hostname; hostname -i; id; env -i A=1 env");
        Assert.Equal("/root\n1\nweb-0\n10.244.1.5\nuid=0(root) gid=0(root) groups=0(root),10(wheel)\nA=1\n", r.Out);
    }

    [Fact]
    public async Task Date_uses_the_cluster_clock_in_busybox_format()
    {
        var r = await sh.ShAsync("date; date +%s; date -u +%Y-%m-%dT%H:%M:%S");
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}$", lines[0]);
        var epoch = long.Parse(lines[1]);
        Assert.InRange(epoch, sh.Clock.GetUtcNow().ToUnixTimeSeconds() - 120, sh.Clock.GetUtcNow().ToUnixTimeSeconds());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", lines[2]);
        Assert.Equal("Thu Dec  3 04:05:06 UTC 2026",
            KubeLab.Simulator.Runtime.Shell.Applets.DateApplet.Format(new DateTimeOffset(2026, 12, 3, 4, 5, 6, TimeSpan.Zero), "%a %b %e %H:%M:%S %Z %Y"));
    }

    [Fact]
    public async Task Sleep_follows_the_cluster_clock()
    {
        var before = sh.Clock.GetUtcNow();
        var real = System.Diagnostics.Stopwatch.StartNew();
        var r = await sh.ShAsync("sleep 1m 30; sleep 0.5s");
        Assert.Equal(0, r.Status);
        Assert.True(sh.Clock.GetUtcNow() - before >= TimeSpan.FromSeconds(90.5));
        Assert.True(real.Elapsed < TimeSpan.FromSeconds(10)); // 90 simulated seconds at 1000x
        var bad = await sh.RunAsync(["sleep", "soon"]);
        Assert.Equal((1, "sleep: invalid number 'soon'\n"), (bad.Status, bad.Err));
    }

    [Fact]
    public async Task Test_applet_file_and_number_checks()
    {
        sh.Files.WriteFile("/tmp/f", "x");
        var r = await sh.ShAsync("[ -f /tmp/f ] && echo f; [ -d /tmp ] && echo d; [ -e /nope ] || echo no; [ -z '' ] && echo z; [ -n x ] && echo n; [ 2 -lt 10 ] && echo lt; [ a != b ] && echo ne; [ 1 -eq x ]; echo $?; [ 1 = 1; echo $?");
        Assert.Equal("f\nd\nno\nz\nn\nlt\nne\n2\n2\n", r.Out);
        Assert.Equal("sh: x: bad number\nsh: missing ]\n", r.Err);
    }

    [Fact]
    public async Task Nslookup_in_busybox_1_36_format()
    {
        sh.Files.WriteFile("/etc/resolv.conf", "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n");
        sh.Network.Dns = new StubDns(new() { ["web.default.svc.cluster.local"] = ["10.244.1.7", "10.244.2.8"] });
        var found = await sh.RunAsync(["nslookup", "web.default.svc.cluster.local"]);
        Assert.Equal((0, "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.244.1.7\n" +
            "Name:\tweb.default.svc.cluster.local\nAddress: 10.244.2.8\n\n\n"), (found.Status, found.Out));
        // busybox add_query_with_search: a name with a dot is asked as given (no search list), so the short form fails…
        var dotted = await sh.RunAsync(["nslookup", "web.default"]);
        Assert.Equal(1, dotted.Status);
        Assert.Contains("** server can't find web.default: NXDOMAIN\n", dotted.Out);
        // …while a name without a dot is tried under every search domain (exit 1: the other two are NXDOMAIN).
        var bare = await sh.RunAsync(["nslookup", "web"]);
        Assert.Equal(1, bare.Status);
        Assert.Contains("Name:\tweb.default.svc.cluster.local\nAddress: 10.244.1.7\n", bare.Out);
        Assert.Contains("** server can't find web.svc.cluster.local: NXDOMAIN\n", bare.Out);
        var missing = await sh.RunAsync(["nslookup", "nope"]);
        Assert.Equal(1, missing.Status);
        Assert.Contains("** server can't find nope.cluster.local: NXDOMAIN\n", missing.Out);
    }

    [Fact]
    public async Task Nslookup_prints_cnames_and_srv_records_like_busybox()
    {
        sh.Files.WriteFile("/etc/resolv.conf", "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n");
        sh.Network.Dns = new RecordsDns();
        var alias = await sh.RunAsync(["nslookup", "alias.default.svc.cluster.local"]);
        Assert.Equal((0, "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n" +
            "alias.default.svc.cluster.local\tcanonical name = web.default.svc.cluster.local\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.0.20\n\n" +
            "alias.default.svc.cluster.local\tcanonical name = web.default.svc.cluster.local\n\n"), (alias.Status, alias.Out));
        var srv = await sh.RunAsync(["nslookup", "-type=srv", "_http._tcp.web.default.svc.cluster.local"]);
        Assert.Equal((0, "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n" +
            "_http._tcp.web.default.svc.cluster.local\tservice = 0 100 80 web.default.svc.cluster.local\n\n"), (srv.Status, srv.Out));
        var outside = await sh.RunAsync(["nslookup", "mail.default.svc.cluster.local"]);
        Assert.Equal(1, outside.Status);
        Assert.Contains("** server can't find mail.default.svc.cluster.local: NXDOMAIN\n", outside.Out);
    }

    private sealed class RecordsDns : KubeLab.Simulator.Network.Dns.IClusterDnsServer
    {
        public IReadOnlyList<string>? Query(string fqdn) => Ask(fqdn, KubeLab.Simulator.Network.Dns.DnsType.A).Addresses;

        public KubeLab.Simulator.Network.Dns.DnsAnswer Ask(string fqdn, KubeLab.Simulator.Network.Dns.DnsType type) => (fqdn, type) switch
        {
            ("alias.default.svc.cluster.local", KubeLab.Simulator.Network.Dns.DnsType.A) => new([
                new(fqdn, KubeLab.Simulator.Network.Dns.DnsType.Cname, "web.default.svc.cluster.local"),
                new("web.default.svc.cluster.local", KubeLab.Simulator.Network.Dns.DnsType.A, "10.96.0.20")], false),
            ("_http._tcp.web.default.svc.cluster.local", KubeLab.Simulator.Network.Dns.DnsType.Srv) =>
                new([new(fqdn, KubeLab.Simulator.Network.Dns.DnsType.Srv, "0 100 80 web.default.svc.cluster.local")], false),
            _ => KubeLab.Simulator.Network.Dns.DnsAnswer.NotFound,
        };
    }

    private sealed class StubDns(Dictionary<string, IReadOnlyList<string>> records) : KubeLab.Simulator.Network.Dns.IClusterDnsServer
    {
        public IReadOnlyList<string>? Query(string fqdn) => records.GetValueOrDefault(fqdn);
    }
}
