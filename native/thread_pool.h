#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace memrec {

// A fixed set of persistent worker threads. A job is split by its caller into parts, each a fixed slice of the
// work, so results never depend on timing or on which thread runs which part.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size();
  // Waits for any running job, then replaces the workers.
  void resize(int threads);
  // Runs part(p) for every p in [0, parts) and returns when all have finished. The calling thread and the
  // workers take the parts in turn, so a worker slow to wake (another process holds its core) delays nothing:
  // the threads that are running take its share.
  void run(int parts, const std::function<void(int)>& part);

 private:
  struct Job {
    Job(const std::function<void(int)>& part, int parts) : part(part), parts(parts) {}
    const std::function<void(int)>& part;
    const int parts;
    std::atomic<int> next{0};  // the next part to take
    std::atomic<int> done{0};  // parts finished
  };

  void startWorkers(int threads);
  void stopWorkers();
  void work(uint64_t seen);
  // Takes and runs parts of job until none is left.
  void take(Job& job);

  std::mutex runMutex_;  // one job at a time: calls may come from several JS threads
  std::mutex mutex_;     // guards the fields below
  std::condition_variable start_, done_;
  std::vector<std::thread> workers_;
  Job* job_ = nullptr;  // the job workers may join; null once its parts are all done
  int active_ = 0;      // workers that joined job_ and have not left it
  uint64_t generation_ = 0;
  bool stop_ = false;
};

// The process-wide pool, created on first use with min(2, hardware threads) threads.
ThreadPool& pool();

// The start of part `part` of `parts` over [0, total). The split depends only on its arguments, never on
// timing. Long ranges split on multiples of 16 (a cache line of floats), so parts share no line of a row.
int64_t splitPoint(int64_t total, int part, int parts);

// Runs body(begin, end) on each part of a fixed split of [0, total) into one part per pool thread, or in one
// part on the calling thread when total * cost (cost: the work per item, 1 for one memory-bound float
// operation) is too small to repay waking the workers.
void parallelFor(int64_t total, double cost, const std::function<void(int64_t, int64_t)>& body);

}  // namespace memrec
