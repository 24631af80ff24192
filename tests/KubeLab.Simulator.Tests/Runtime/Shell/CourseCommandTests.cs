namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>The container commands of manifests/**/*.yaml and the notebooks run as busybox would run them.</summary>
public class CourseCommandTests
{
    private readonly ShellHarness sh = new();

    [Theory]
    [InlineData("exit 1", 1, "")]
    [InlineData("echo building the report; sleep 90", 0, "building the report\n")]
    [InlineData("echo processing one piece of work; sleep 3", 0, "processing one piece of work\n")]
    [InlineData("echo cannot reach the database; exit 1", 1, "cannot reach the database\n")]
    [InlineData("sleep 1", 0, "")]
    [InlineData("exit 3", 3, "")]
    public async Task Manifest_and_notebook_scripts(string script, int status, string output)
    {
        var r = await sh.ShAsync(script);
        Assert.Equal((status, output, ""), (r.Status, r.Out, r.Err));
    }

    [Theory]
    [InlineData(new[] { "sleep", "30" }, 0)]
    [InlineData(new[] { "sleep", "0.5" }, 0)]
    [InlineData(new[] { "true" }, 0)]
    [InlineData(new[] { "false" }, 1)]
    public async Task Direct_commands(string[] argv, int status) => Assert.Equal(status, (await sh.RunAsync(argv)).Status);
}
