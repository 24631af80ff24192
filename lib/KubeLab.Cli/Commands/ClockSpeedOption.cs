using System.CommandLine;
using System.Globalization;

namespace KubeLab.Cli.Commands;

/// <summary><c>--clock-speed N</c>: the simulated cluster's initial clock speed (simulated seconds per real second).</summary>
internal static class ClockSpeedOption
{
    public const double Max = 1000;

    public static Option<double> Create() => new("--clock-speed")
    {
        Description = "Simulator only: run the cluster's clock N times faster than real time (default 1; notebooks raise it where they need it).",
        DefaultValueFactory = _ => 1,
    };

    public static void Validate(double speed)
    {
        if (double.IsNaN(speed) || speed <= 0 || speed > Max)
            throw new UserError($"--clock-speed must be greater than 0 and at most {Max} (got {speed.ToString(CultureInfo.InvariantCulture)}); 1 is real time.");
    }
}
