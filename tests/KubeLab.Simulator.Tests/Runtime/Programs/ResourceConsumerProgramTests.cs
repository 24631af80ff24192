using System.Text;
using KubeLab.Simulator.Metrics;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime.Images;

namespace KubeLab.Simulator.Tests.Runtime.Programs;

/// <summary>The resource-consumer image's server records its bursts under the Pod's uid.</summary>
public sealed class ResourceConsumerProgramTests
{
    [Fact]
    public async Task ConsumeCPU_from_a_form_body_lands_in_the_ledger_of_the_pod()
    {
        var consumption = new ResourceConsumption();
        var image = new ImageCatalog(consumption).Find("registry.k8s.io/e2e-test-images/resource-consumer:1.13");
        await using var pod = RunningProcess.Start(image, [.. image.Entrypoint], new ClusterNetwork(), TimeProvider.System, "consumer-0");
        await pod.WaitListeningAsync(8080);

        var request = new HttpRequestMessageModel("POST", "/ConsumeCPU", "10.244.1.4:8080",
            new Dictionary<string, string> { ["Content-Type"] = "application/x-www-form-urlencoded" },
            Encoding.UTF8.GetBytes("millicores=250&durationSec=60"), "10.244.1.3");
        var response = await pod.Context.Network.SendAsync(null, "10.244.1.4", 8080, request, CancellationToken.None);

        Assert.Equal((200, "ConsumeCPU\n250 millicores\n60 durationSec\n"), (response.StatusCode, response.BodyText));
        Assert.Equal(250, Assert.Single(consumption.CpuBursts("uid-consumer-0")).Amount);
        Assert.Equal(400, (await pod.GetAsync(8080, "/ConsumeCPU?millicores=1&durationSec=1")).StatusCode); // only POST
    }
}
