namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>The busybox programs the modelled runtime provides, by applet name ("sh", "echo", "wget", …).</summary>
public static class BusyboxApplets
{
    public static IReadOnlyDictionary<string, IContainerProgram> All { get; } = new Dictionary<string, IContainerProgram>(StringComparer.Ordinal);
}
