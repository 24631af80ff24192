using KubeLab.Simulator.Runtime.Shell.Applets;

namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// The busybox programs the modelled runtime provides, by applet name ("sh", "echo", "wget", …). A busybox image maps
/// <c>/bin/&lt;name&gt;</c> to each of these. What each models is described in Runtime/Shell/README.md.
/// </summary>
public static class BusyboxApplets
{
    public static IReadOnlyDictionary<string, IContainerProgram> All { get; } = Build();

    private static Dictionary<string, IContainerProgram> Build()
    {
        var shell = new ShellProgram();
        var applets = new Dictionary<string, IContainerProgram>(StringComparer.Ordinal) { ["sh"] = shell, ["ash"] = shell };
        Applet[] programs =
        [
            new EchoApplet(), new PrintfApplet(), new TestApplet(), new CatApplet(), new LsApplet(), new TouchApplet(),
            new MkdirApplet(), new RmApplet(), new HeadApplet(), new TailApplet(), new WcApplet(), new GrepApplet(),
            new EnvApplet(), new PrintenvApplet(), new HostnameApplet(), new DateApplet(), new IdApplet(), new SleepApplet(),
            new ExitStatusApplet("true", 0), new ExitStatusApplet("false", 1), new SeqApplet(), new KillApplet(),
            new WgetApplet(), new NslookupApplet(),
        ];
        foreach (var p in programs) applets[p.Name] = p;
        applets["["] = applets["test"];
        return applets;
    }

    /// <summary>Executables of a busybox image: every applet at /bin/&lt;name&gt; (busybox installs them as links there).</summary>
    public static IReadOnlyDictionary<string, IContainerProgram> AsExecutables(string directory = "/bin") =>
        All.ToDictionary(kv => $"{directory}/{kv.Key}", kv => kv.Value, StringComparer.Ordinal);
}
