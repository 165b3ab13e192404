#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace memrec {

// A fixed set of persistent worker threads. A job is split by its caller into parts, each a fixed slice of the
// work, so results never depend on timing. Part 0 runs on the calling thread.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size();
  // Waits for any running job, then replaces the workers.
  void resize(int threads);
  // Runs part(p) for every p in [0, parts) and returns when all have finished: part p on worker p for
  // p < size(), the rest on the calling thread.
  void run(int parts, const std::function<void(int)>& part);

 private:
  void startWorkers(int threads);
  void stopWorkers();
  void work(int index, uint64_t seen);

  std::mutex runMutex_;  // one job at a time: calls may come from several JS threads
  std::mutex mutex_;     // guards the fields below
  std::condition_variable start_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(int)>* job_ = nullptr;
  int parts_ = 0;
  int pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

// The process-wide pool, created on first use with min(2, hardware threads) threads.
ThreadPool& pool();

}  // namespace memrec
