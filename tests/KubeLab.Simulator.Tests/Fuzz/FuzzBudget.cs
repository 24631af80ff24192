using System.Globalization;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>
/// How long each fuzz test samples: a few seconds in the normal suite (all of them together stay under ~40 s), or
/// <c>KUBELAB_FUZZ_SECONDS</c> each for a long run (<c>KUBELAB_FUZZ_SECONDS=600 dotnet test --filter "FullyQualifiedName~Fuzz"</c>).
/// <c>KUBELAB_FUZZ_SEED</c> replays the seed CsCheck printed for a failure.
/// </summary>
public static class FuzzBudget
{
    public const int DefaultSeconds = 6;

    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("KUBELAB_FUZZ_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0
            ? s : DefaultSeconds;

    public static string? Seed => Environment.GetEnvironmentVariable("KUBELAB_FUZZ_SEED") is { Length: > 0 } s ? s : null;
}
