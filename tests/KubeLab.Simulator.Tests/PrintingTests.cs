using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Printing;

namespace KubeLab.Simulator.Tests;

public class PrintingTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(200, "3m20s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(5 * 3600 + 30 * 60, "5h30m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(10 * 86400, "10d")]
    [InlineData(3 * 365 * 86400 + 86400, "3y1d")]
    public void Ages_are_printed_like_kubectl(int seconds, string expected)
        => Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("""{"status":{"phase":"Pending"}}""", "Pending")]
    [InlineData("""{"status":{"phase":"Pending","containerStatuses":[{"state":{"waiting":{"reason":"ContainerCreating"}}}]}}""", "ContainerCreating")]
    [InlineData("""{"status":{"phase":"Pending","containerStatuses":[{"state":{"waiting":{"reason":"ImagePullBackOff"}}}]}}""", "ImagePullBackOff")]
    [InlineData("""{"status":{"phase":"Running","containerStatuses":[{"ready":true,"state":{"running":{}}}]}}""", "Running")]
    [InlineData("""{"status":{"phase":"Succeeded","containerStatuses":[{"state":{"terminated":{"reason":"Completed","exitCode":0}}}]}}""", "Completed")]
    [InlineData("""{"status":{"phase":"Running","containerStatuses":[{"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}""", "CrashLoopBackOff")]
    [InlineData("""{"status":{"phase":"Failed","containerStatuses":[{"state":{"terminated":{"exitCode":2}}}]}}""", "ExitCode:2")]
    [InlineData("""{"metadata":{"deletionTimestamp":"2026-01-01T00:00:00Z"},"status":{"phase":"Running"}}""", "Terminating")]
    [InlineData("""{"spec":{"initContainers":[{"name":"i"}]},"status":{"phase":"Pending","initContainerStatuses":[{"state":{"running":{}}}]}}""", "Init:0/1")]
    public void Pod_status_column_follows_kubectl_rules(string pod, string expected)
        => Assert.Equal(expected, KindPrinters.PodStatus((JsonObject)JsonNode.Parse(pod)!));
}
