using Spectre.Console;

namespace KubeLab.Cli;

/// <summary>Rich output on a terminal; plain lines when output is redirected or in CI (CI=true).</summary>
internal static class ConsoleOutput
{
    public static bool Plain { get; } =
        Console.IsOutputRedirected ||
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ||
        !AnsiConsole.Profile.Capabilities.Interactive;

    public static void Line(string text) => Console.WriteLine(text);

    public static void Error(string text)
    {
        if (Plain)
            Console.Error.WriteLine(text);
        else
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(text)}[/]");
    }
}
