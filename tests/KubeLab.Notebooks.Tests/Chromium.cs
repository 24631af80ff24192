using System.Diagnostics;

namespace KubeLab.Notebooks.Tests;

/// <summary>Headless Chromium, to check that chart pages really draw offline. Found on PATH (chromium, chromium-browser,
/// google-chrome, chrome-headless-shell) or through KUBELAB_CHROMIUM.</summary>
internal static class Chromium
{
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        var overridden = Environment.GetEnvironmentVariable("KUBELAB_CHROMIUM");
        if (!string.IsNullOrEmpty(overridden))
            return File.Exists(overridden) ? overridden : null;
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return new[] { "chromium", "chromium-browser", "google-chrome", "chrome-headless-shell" }
            .SelectMany(name => dirs.Select(d => System.IO.Path.Combine(d, name)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The DOM after the page's scripts ran, with every host name unresolvable: a page that needs the network cannot draw.</summary>
    public static Task<string> DumpDomAsync(string htmlFile) => RunAsync(htmlFile, "--dump-dom");

    public static Task<string> ScreenshotAsync(string htmlFile, string pngFile) =>
        RunAsync(htmlFile, "--screenshot=" + pngFile, "--window-size=1000,560");

    private static async Task<string> RunAsync(string htmlFile, params string[] mode)
    {
        var profile = Directory.CreateTempSubdirectory("kubelab-chromium-").FullName;
        var info = new ProcessStartInfo(Path ?? throw new InvalidOperationException("chromium not found"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                     "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=15000",
                 }.Concat(mode).Append(new Uri(System.IO.Path.GetFullPath(htmlFile)).AbsoluteUri))
            info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await p.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish {htmlFile} within 2 minutes: {await stderr}");
            }
            var output = await stdout;
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"chromium exited with {p.ExitCode}: {await stderr}");
            return output;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } // chromium may still be letting go of it
        }
    }
}

/// <summary>A fact that needs headless Chromium. Without it the test is SKIPPED, and says so in the summary: no browser check
/// of the charts happened.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
            Skip = "SKIPPED – NO BROWSER CHECK OF THE CHARTS: chromium is not on PATH (install it: apt-get install -y chromium, " +
                   "or set KUBELAB_CHROMIUM to a Chrome/Chromium binary).";
    }
}
