#include "thread_pool.h"

#include <algorithm>

namespace memrec {

ThreadPool::ThreadPool(int threads) { startWorkers(threads); }

ThreadPool::~ThreadPool() { stopWorkers(); }

int ThreadPool::size() {
  std::lock_guard<std::mutex> serial(runMutex_);
  return static_cast<int>(workers_.size()) + 1;
}

void ThreadPool::resize(int threads) {
  std::lock_guard<std::mutex> serial(runMutex_);
  stopWorkers();
  startWorkers(threads);
}

void ThreadPool::run(int parts, const std::function<void(int)>& part) {
  std::lock_guard<std::mutex> serial(runMutex_);
  const int threads = static_cast<int>(workers_.size()) + 1;
  const int onWorkers = std::min(parts, threads) - 1;
  if (onWorkers > 0) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &part;
      parts_ = onWorkers + 1;
      pending_ = onWorkers;
      ++generation_;
    }
    start_.notify_all();
  }
  // Parts beyond the thread count (the pool shrank after the caller planned) run here, in order.
  for (int p = 0; p < parts; p = p == 0 ? threads : p + 1) part(p);
  if (onWorkers > 0) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
  }
}

// Called with runMutex_ held (or from the constructor), so no job is in flight.
void ThreadPool::startWorkers(int threads) {
  for (int index = 1; index < threads; ++index) {
    workers_.emplace_back(&ThreadPool::work, this, index, generation_);
  }
}

void ThreadPool::stopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  stop_ = false;
}

// `seen` is the generation at creation, so a job started before this thread first waits is not missed.
void ThreadPool::work(int index, uint64_t seen) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    start_.wait(lock, [&] { return stop_ || generation_ != seen; });
    if (stop_) return;
    seen = generation_;
    if (index >= parts_) continue;
    const std::function<void(int)>* job = job_;
    lock.unlock();
    (*job)(index);
    lock.lock();
    if (--pending_ == 0) done_.notify_one();
  }
}

ThreadPool& pool() {
  // Never destroyed: joining workers during static destruction at exit is not worth the risk.
  static ThreadPool* instance = new ThreadPool(
      static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 2u)));
  return *instance;
}

}  // namespace memrec
