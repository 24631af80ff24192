using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace KubeLab.Connection;

/// <summary>
/// The embedded simulator is an ASP.NET Core app. Hosts that run on Microsoft.NETCore.App only (e.g. dotnet-repl) neither
/// find Microsoft.AspNetCore.* nor may load them into their default context (their own older Microsoft.Extensions.* win).
/// For those hosts the simulator runs in this load context: ASP.NET Core from the installed shared framework
/// (dotnet/shared/Microsoft.AspNetCore.App/&lt;runtime major.minor&gt;), KubeLab's own files from KubeLab's folder,
/// everything else (System.*) from the default context. Only strings cross the boundary.
/// </summary>
internal sealed class SimulatorLoadContext(string aspNetCoreFolder, string kubeLabFolder)
    : AssemblyLoadContext("kubelab-simulator", isCollectible: false)
{
    protected override Assembly? Load(AssemblyName name)
    {
        foreach (var folder in new[] { aspNetCoreFolder, kubeLabFolder })
        {
            var path = Path.Combine(folder, name.Name + ".dll");
            if (File.Exists(path)) return LoadFromAssemblyPath(path);
        }
        return null;
    }

    /// <summary>True when the current host can load ASP.NET Core itself (dotnet-interactive, tests, the CLI).</summary>
    public static bool HostHasAspNetCore()
    {
        try
        {
            AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("Microsoft.AspNetCore"));
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException)
        {
            return false;
        }
    }

    /// <summary>.../dotnet/shared/Microsoft.NETCore.App/10.0.x/ → .../dotnet/shared/Microsoft.AspNetCore.App/10.0.y/ (same major.minor).</summary>
    public static string? FindAspNetCoreFolder()
    {
        var runtimeDir = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar));
        var shared = runtimeDir.Parent?.Parent;
        var aspnet = shared is null ? null : new DirectoryInfo(Path.Combine(shared.FullName, "Microsoft.AspNetCore.App"));
        if (aspnet is null || !aspnet.Exists) return null;
        var runtime = Environment.Version;
        return aspnet.GetDirectories()
            .Select(d => (Dir: d, Version: Version.TryParse(d.Name.Split('-')[0], out var v) ? v : null))
            .Where(x => x.Version is not null && x.Version.Major == runtime.Major && x.Version.Minor == runtime.Minor)
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir.FullName)
            .FirstOrDefault();
    }
}
