using System.Reflection;
using System.Runtime.Loader;

namespace KubeLab.Charts;

/// <summary>
/// Loads KubeLab.PlotlyRenderer (Plotly.NET + FSharp.Core 10.1) from the "plotly-renderer" folder next to KubeLab.dll into its own
/// AssemblyLoadContext. Notebook kernels already have an older FSharp.Core in the default context; isolating the renderer
/// means both coexist. Only strings cross the boundary (reflection calls).
/// </summary>
public static class RendererHost
{
    public const string FolderName = "plotly-renderer";
    private const string AssemblyName = "KubeLab.PlotlyRenderer";
    private static readonly Lazy<Type> Renderer = new(LoadRenderer);
    private static readonly Lazy<string> Js = new(() => (string)Invoke("PlotlyJs")!);

    /// <summary>The load context the renderer lives in (exposed for tests).</summary>
    public static AssemblyLoadContext LoadContext => AssemblyLoadContext.GetLoadContext(Renderer.Value.Assembly)!;

    /// <summary>Full standalone HTML document for a chart spec.</summary>
    public static string Render(string specJson, bool inlinePlotlyJs) => (string)Invoke("Render", specJson, inlinePlotlyJs)!;

    /// <summary>plotly.js figure JSON ({data, layout, config}) for a chart spec.</summary>
    public static string FigureJson(string specJson) => (string)Invoke("FigureJson", specJson)!;

    /// <summary>The bundled plotly.min.js (read once).</summary>
    public static string PlotlyJs() => Js.Value;

    /// <summary>Version of the bundled plotly.js (e.g. "2.28.0").</summary>
    public static string PlotlyVersion() => (string)Invoke("get_PlotlyVersion")!;

    /// <summary>The FSharp.Core version the renderer runs with.</summary>
    public static string FSharpCoreVersion() => (string)Invoke("FSharpCoreVersion")!;

    private static object? Invoke(string method, params object[] args)
    {
        var m = Renderer.Value.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{AssemblyName} has no method {method}; rebuild lib/KubeLab so the renderer matches.");
        try
        {
            return m.Invoke(null, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"The chart renderer failed: {e.InnerException.Message}", e.InnerException);
        }
    }

    internal static string? FindFolder()
    {
        var candidates = new List<string?>
        {
            Environment.GetEnvironmentVariable("KUBELAB_PLOTLY_RENDERER_DIR"),
            Path.Combine(Path.GetDirectoryName(typeof(RendererHost).Assembly.Location) ?? "", FolderName),
            Path.Combine(AppContext.BaseDirectory, FolderName),
        };
        return candidates.FirstOrDefault(d => !string.IsNullOrEmpty(d) && File.Exists(Path.Combine(d, AssemblyName + ".dll")));
    }

    private static Type LoadRenderer()
    {
        var folder = FindFolder() ?? throw new InvalidOperationException(
            $"Chart renderer not found: expected {FolderName}/{AssemblyName}.dll next to {typeof(RendererHost).Assembly.Location}. " +
            "Rebuild lib/KubeLab (dotnet build) – the build copies the renderer there – or set KUBELAB_PLOTLY_RENDERER_DIR.");
        var context = new RendererLoadContext(folder);
        var assembly = context.LoadFromAssemblyPath(Path.Combine(folder, AssemblyName + ".dll"));
        return assembly.GetType(AssemblyName + ".Renderer", throwOnError: true)!;
    }

    /// <summary>Resolves every assembly found in the renderer folder from there; everything else (the framework) from Default.</summary>
    private sealed class RendererLoadContext(string folder) : AssemblyLoadContext("kubelab-plotly-renderer", isCollectible: false)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
