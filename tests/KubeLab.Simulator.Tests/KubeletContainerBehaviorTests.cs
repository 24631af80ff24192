using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Kubelet;

namespace KubeLab.Simulator.Tests;

/// <summary>What the simulated containers do, decided from command and args.</summary>
public class KubeletContainerBehaviorTests
{
    private static ContainerBehavior Of(string[]? command, string[]? args = null) =>
        ContainerBehavior.Of(new V1Container { Name = "c", Image = "busybox", Command = command, Args = args });

    [Fact]
    public void Image_entrypoint_runs_forever() => Assert.True(Of(null).RunsForever);

    [Fact]
    public void Unknown_program_runs_forever() => Assert.True(Of(["nginx", "-g", "daemon off;"]).RunsForever);

    [Theory]
    [InlineData("exit 3", 3)]
    [InlineData("exit 0", 0)]
    [InlineData("false", 1)]
    [InlineData("true", 0)]
    [InlineData("echo hi; exit 7", 7)]
    [InlineData("false && echo never", 1)]
    [InlineData("false || exit 4", 4)]
    public void Shell_scripts_exit_with_shell_semantics(string script, int exitCode)
    {
        var b = Of(["sh", "-c", script]);
        Assert.False(b.RunsForever);
        Assert.Equal(exitCode, b.ExitCode);
    }

    [Fact]
    public void Sleep_runs_for_its_duration_then_exits_zero()
    {
        var b = Of(["sleep"], ["2"]);
        Assert.Equal(TimeSpan.FromSeconds(2), b.RunsFor);
        Assert.Equal(0, b.ExitCode);
        Assert.Equal(TimeSpan.FromMinutes(1.5), Of(["/bin/sh", "-c", "sleep 30; sleep 1m"]).RunsFor);
        Assert.Equal(TimeSpan.FromSeconds(1), Of(["sh", "-c", "sleep 1 && exit 2"]).RunsFor);
        Assert.Equal(2, Of(["sh", "-c", "sleep 1 && exit 2"]).ExitCode);
    }

    [Theory]
    [InlineData("while true; do echo hi; sleep 1; done")]
    [InlineData("sleep infinity")]
    [InlineData("python app.py")]
    public void Scripts_with_unmodelled_parts_run_forever(string script) => Assert.True(Of(["sh", "-c", script]).RunsForever);

    [Theory]
    [InlineData("nginx:1.27", true)]
    [InlineData("nginx:nonexistent", false)]
    [InlineData("registry.example.com/does-not-exist:1.0", false)]
    public void Course_convention_for_missing_images(string image, bool exists) => Assert.Equal(exists, ContainerBehavior.ImageExists(image));
}

/// <summary>Durations in kubelet messages use Go's time.Duration format.</summary>
public class KubeletGoDurationTests
{
    [Theory]
    [InlineData(0.669, "669ms")]
    [InlineData(1.437, "1.437s")]
    [InlineData(10, "10s")]
    [InlineData(300, "5m0s")]
    [InlineData(62.5, "1m2.5s")]
    public void Formats_like_Go(double seconds, string expected) => Assert.Equal(expected, GoDuration.Format(TimeSpan.FromSeconds(seconds)));
}
