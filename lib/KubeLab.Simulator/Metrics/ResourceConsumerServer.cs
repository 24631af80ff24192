using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace KubeLab.Simulator.Metrics;

/// <summary>A plain HTTP answer from a (simulated) container.</summary>
public sealed record ContainerResponse(int StatusCode, string Body);

/// <summary>
/// What <c>registry.k8s.io/e2e-test-images/resource-consumer</c> answers on its port 8080 (test/images/resource-consumer):
/// only POST, parameters from the query or a form body (Go's ParseForm), <c>/ConsumeCPU?millicores=&amp;durationSec=</c>,
/// <c>/ConsumeMem?megabytes=&amp;durationSec=</c>, <c>/GetCurrentStatus</c>; texts and status codes as the image writes them
/// (Go's http.Error adds a new line).
/// </summary>
public static class ResourceConsumerServer
{
    public const int Port = 8080;

    public static ContainerResponse Handle(string method, string path, IReadOnlyDictionary<string, StringValues> form,
        string podUid, ResourceConsumption consumption, DateTimeOffset now)
    {
        if (method != "POST") return new(400, "Bad request. Not a POST request\n");
        switch (path)
        {
            case "/ConsumeCPU":
            {
                if (!TryArgs(form, "millicores", out var millicores, out var duration, out var error)) return error!;
                consumption.ConsumeCpu(podUid, millicores, TimeSpan.FromSeconds(duration), now);
                return new(200, $"ConsumeCPU\n{millicores} millicores\n{duration} durationSec\n");
            }
            case "/ConsumeMem":
            {
                if (!TryArgs(form, "megabytes", out var megabytes, out var duration, out var error)) return error!;
                consumption.ConsumeMemory(podUid, megabytes, TimeSpan.FromSeconds(duration), now);
                return new(200, $"ConsumeMem\n{megabytes} megabytes\n{duration} durationSec\n");
            }
            case "/GetCurrentStatus":
                return new(200, "Warning: not implemented!\nGetCurrentStatus");
            default:
                return new(404, $"unknown function: {path}\n");
        }
    }

    private static bool TryArgs(IReadOnlyDictionary<string, StringValues> form, string amountName, out int amount, out int durationSec, out ContainerResponse? error)
    {
        amount = durationSec = 0;
        error = null;
        var a = form.TryGetValue(amountName, out var av) ? av.ToString() : "";
        var d = form.TryGetValue("durationSec", out var dv) ? dv.ToString() : "";
        if (a.Length == 0 || d.Length == 0) { error = new(400, "not given function argument\n"); return false; }
        if (!int.TryParse(a, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out amount) ||
            !int.TryParse(d, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out durationSec))
        {
            error = new(400, "incorrect function argument\n");
            return false;
        }
        return true;
    }
}
