using System.Diagnostics;

namespace PostingConsole.Publishing.Graph;

/// <summary>
/// Each HTTP request to the Graph API (each try of a call) as two Debug lines, when it begins and when it ends (answered,
/// failed or given up): its number in the process, method and path (never the query, which may carry a token), and the
/// machine's monotonic clock (<see cref="Stopwatch.GetTimestamp"/>, the same for every process on the machine). The calls in
/// flight of several console processes can be counted together from their logs, as the console itself saw them.
/// </summary>
public sealed partial class GraphCallLog(ILogger<GraphCallLog> logger) : DelegatingHandler
{
    private static long numbers;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return await base.SendAsync(request, cancellationToken);

        var number = Interlocked.Increment(ref numbers);
        Began(number, request.Method.Method, request.RequestUri?.AbsolutePath, Stopwatch.GetTimestamp());
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            try
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken); // the answer is in: the call is over
            }
            catch
            {
                response.Dispose();
                throw;
            }

            return response;
        }
        finally
        {
            Ended(number, Stopwatch.GetTimestamp());
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph call {Number} {Method} {Path} began at {Timestamp}")]
    private partial void Began(long number, string method, string? path, long timestamp);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Graph call {Number} ended at {Timestamp}")]
    private partial void Ended(long number, long timestamp);
}
