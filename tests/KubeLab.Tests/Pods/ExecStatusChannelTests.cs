using KubeLab.Pods;

namespace KubeLab.Tests.Pods;

/// <summary>The exec status channel (3) as the kubelet writes it from protocol v4 on (a JSON meta/v1 Status).</summary>
public class ExecStatusChannelTests
{
    [Fact]
    public void Success_status_is_exit_code_0()
    {
        Assert.Equal(new ExecOutcome(0, null), ExecStatusChannel.Parse("""{"metadata":{},"status":"Success"}"""));
    }

    [Fact]
    public void An_empty_status_channel_means_success_as_in_client_go()
    {
        Assert.Equal(0, ExecStatusChannel.Parse("").ExitCode);
        Assert.Equal(0, ExecStatusChannel.Parse(null).ExitCode);
    }

    [Fact]
    public void NonZeroExitCode_carries_the_exit_code_in_its_ExitCode_cause()
    {
        const string status = """
            {"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
             "reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}
            """;
        Assert.Equal(new ExecOutcome(3, null), ExecStatusChannel.Parse(status));
    }

    [Fact]
    public void Exit_code_126_of_a_missing_executable_is_an_exit_code_not_an_error()
    {
        const string status = """{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"126"}]}}""";
        Assert.Equal(126, ExecStatusChannel.Parse(status).ExitCode);
    }

    [Fact]
    public void Other_failures_are_errors_with_the_server_message()
    {
        const string status = """{"metadata":{},"status":"Failure","message":"Internal error occurred: error executing command in container: container is not running","reason":"InternalError","code":500}""";
        var outcome = ExecStatusChannel.Parse(status);
        Assert.Null(outcome.ExitCode);
        Assert.Equal("Internal error occurred: error executing command in container: container is not running", outcome.Error);
    }

    [Fact]
    public void NonZeroExitCode_without_an_exit_code_cause_is_an_error()
    {
        var outcome = ExecStatusChannel.Parse("""{"status":"Failure","message":"boom","reason":"NonZeroExitCode","details":{"causes":[]}}""");
        Assert.Null(outcome.ExitCode);
        Assert.Contains("boom", outcome.Error);
    }

    [Fact]
    public void Plain_text_from_older_protocols_is_an_error()
    {
        Assert.Equal(new ExecOutcome(null, "error executing command"), ExecStatusChannel.Parse("error executing command\n"));
    }
}
