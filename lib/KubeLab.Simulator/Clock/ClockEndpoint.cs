using System.Globalization;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Server;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Clock;

/// <summary>
/// <c>GET /kubelab/v1/clock</c> → <c>{"speed": 20, "now": "2026-…Z"}</c>; <c>PUT</c> (or <c>PATCH</c>) with <c>{"speed": N}</c>
/// changes the speed. A simulator-only path: a real API server answers 404 there, which clients read as "a real 1× clock".
/// </summary>
public static class ClockEndpoint
{
    public const string Path = "/kubelab/v1/clock";

    public static bool Matches(HttpContext ctx) => (ctx.Request.Path.Value ?? "").TrimEnd('/') == Path;

    public static async Task Handle(HttpContext ctx, SimulatedClock clock)
    {
        try
        {
            switch (ctx.Request.Method)
            {
                case "GET":
                    break;
                case "PUT" or "PATCH" or "POST":
                    var body = await HttpIO.ReadBody(ctx) as JsonObject ?? throw ApiError.BadRequest(Usage);
                    clock.SetSpeed(ReadSpeed(body));
                    break;
                default:
                    throw ApiError.MethodNotAllowed("the clock supports GET (read) and PUT {\"speed\": N} (change the speed)");
            }
            await HttpIO.WriteJson(ctx, 200, State(clock));
        }
        catch (ApiError e) when (!ctx.Response.HasStarted)
        {
            await HttpIO.WriteStatus(ctx, e);
        }
    }

    public static JsonObject State(SimulatedClock clock) => new()
    {
        ["kind"] = "Clock",
        ["apiVersion"] = "kubelab/v1",
        ["speed"] = clock.Speed,
        ["now"] = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
    };

    private const string Usage = "the clock body must be a JSON object with a number field \"speed\", e.g. {\"speed\": 20}";

    private static double ReadSpeed(JsonObject body)
    {
        if (body["speed"] is not JsonValue v || !v.TryGetValue(out double speed))
            throw ApiError.BadRequest(Usage);
        try { SimulatedClock.Validate(speed); }
        catch (ArgumentOutOfRangeException) { throw ApiError.BadRequest($"speed {speed.ToString(CultureInfo.InvariantCulture)} is out of range: it must be greater than 0 and at most {SimulatedClock.MaxSpeed}"); }
        return speed;
    }
}
